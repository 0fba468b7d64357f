namespace SmartCommunity.TimeSeries.Querying;

/// <summary>One series of an InfluxQL answer: a table with named columns (the first is <c>time</c> for SELECTs).</summary>
/// <param name="Values">Rows; cells are <see cref="long"/> (integers, and <c>time</c> in epoch ms), <see cref="double"/>, <see cref="string"/>, <see cref="bool"/> or null.</param>
public sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object?>> Values)
{
    /// <summary>Index of a column, or -1.</summary>
    public int ColumnIndex(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The <c>time</c> cell of a row (queries are sent with <c>epoch=ms</c>).</summary>
    public DateTimeOffset TimeAt(int row) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(Values[row][ColumnIndex("time")], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A numeric cell as double, or null.</summary>
    public double? NumberAt(int row, string column) => Values[row][ColumnIndex(column)] switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => null,
    };
}

/// <summary>The series of one statement of an InfluxQL request.</summary>
public sealed record InfluxStatementResult(int StatementId, IReadOnlyList<InfluxSeries> Series);

/// <summary>What <c>/query</c> answered, statement by statement.</summary>
public sealed record InfluxQueryResult(IReadOnlyList<InfluxStatementResult> Statements)
{
    /// <summary>All series of all statements, in order.</summary>
    public IReadOnlyList<InfluxSeries> Series => [.. Statements.SelectMany(s => s.Series)];
}

/// <summary>A query InfluxDB refused (syntax, unknown database, auth) or could not answer; the message says which.</summary>
public sealed class InfluxQueryException : Exception
{
    public InfluxQueryException()
    {
    }

    public InfluxQueryException(string message)
        : base(message)
    {
    }

    public InfluxQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InfluxQueryException(string message, int? statusCode, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    /// <summary>HTTP status, or null when no answer came (connection refused, timeout).</summary>
    public int? StatusCode { get; }
}
