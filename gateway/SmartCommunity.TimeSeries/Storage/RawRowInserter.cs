using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SmartCommunity.TimeSeries.Storage;

/// <summary>
/// Appends (series, ts, value) rows to the embedded store's <c>raw</c> table: rows are gathered and written
/// <see cref="RowsPerStatement"/> at a time through one multi-row <c>INSERT OR REPLACE</c> that is prepared once per
/// connection, bound by position. The ingest profile (docs/benchmarks.md, session 4) showed one
/// <c>SqliteCommand.ExecuteNonQuery</c> per field costing 12 % of the gateway's CPU, half of it
/// Microsoft.Data.Sqlite looking up every parameter's index by name on every execute
/// (<c>sqlite3_bind_parameter_index</c>) and boxing each value. Statements and binds here are SQLite's own C API
/// through SQLitePCLRaw, which Microsoft.Data.Sqlite is built on; the caller's transaction still holds, because a
/// transaction belongs to the connection, not to a command. Not thread-safe: the store uses it under its write gate.
/// </summary>
internal sealed class RawRowInserter : IDisposable
{
    /// <summary>Rows per multi-row statement: 3 parameters each, far below SQLite's 32 766 variables per statement.</summary>
    internal const int RowsPerStatement = 64;

    private const string Prefix = "INSERT OR REPLACE INTO raw (series_id, ts, value) VALUES ";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _many;
    private readonly sqlite3_stmt _one;
    private readonly long[] _series = new long[RowsPerStatement];
    private readonly long[] _ts = new long[RowsPerStatement];
    private readonly double[] _values = new double[RowsPerStatement];
    private int _count;

    public RawRowInserter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The time-series connection is not open.");
        _many = Prepare(Sql(RowsPerStatement));
        _one = Prepare(Sql(1));
    }

    /// <summary>Adds one row; a full group of rows is written at once, the rest by <see cref="Flush"/>.</summary>
    public void Add(long seriesId, long ts, double value)
    {
        _series[_count] = seriesId;
        _ts[_count] = ts;
        _values[_count] = value;
        if (++_count == RowsPerStatement)
        {
            Run(_many, 0, RowsPerStatement);
            _count = 0;
        }
    }

    /// <summary>Writes the rows still gathered (call before committing); after a failure, <see cref="Reset"/> drops them.</summary>
    public void Flush()
    {
        for (var i = 0; i < _count; i++)
        {
            Run(_one, i, 1);
        }

        _count = 0;
    }

    /// <summary>Drops gathered rows, after a failed batch whose transaction is rolled back.</summary>
    public void Reset() => _count = 0;

    private void Run(sqlite3_stmt statement, int first, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            var p = r * 3 + 1; // SQLite numbers parameters from 1
            Check(raw.sqlite3_bind_int64(statement, p, _series[first + r]));
            Check(raw.sqlite3_bind_int64(statement, p + 1, _ts[first + r]));
            Check(raw.sqlite3_bind_double(statement, p + 2, _values[first + r]));
        }

        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
        return statement;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }

    private static string Sql(int rows)
    {
        var sql = new StringBuilder(Prefix, Prefix.Length + rows * 16);
        for (var r = 0; r < rows; r++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(r == 0 ? "" : ",")}(?,?,?)");
        }

        return sql.ToString();
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
    }
}
