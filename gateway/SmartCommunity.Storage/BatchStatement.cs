using System.Data.Common;

namespace SmartCommunity.Storage;

/// <summary>
/// One statement run for every row of a hot-path batch (door events, camera events, shelter counts, alerts) inside
/// the batch's one transaction, on one command that is prepared once: Microsoft.Data.Sqlite compiles a command's
/// text on its first run and keeps the statement while the text stays the same, and Npgsql prepares a statement
/// on the server once it has run a few times (<c>Max Auto Prepare</c>, which the gateway's <c>Database</c> sets). This is the persistence layer's one exception to
/// "everything through Dapper": Dapper builds a command per call and cannot say which rows of a multi-row execute
/// were inserted and which were ignored as repeats, which the door log and camera index need row by row.
/// </summary>
public sealed class BatchStatement : IDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter[] _parameters;

    /// <param name="parameters">Names used in <paramref name="sql"/> as <c>@name</c>, in the order <see cref="Execute"/> takes values.</param>
    public BatchStatement(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = sql;
        _parameters = new DbParameter[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = parameters[i];
            _command.Parameters.Add(parameter);
            _parameters[i] = parameter;
        }
    }

    /// <summary>Runs the statement for one row; returns the number of rows it changed (0 for an ignored repeat).</summary>
    public int Execute(params ReadOnlySpan<object?> values)
    {
        Bind(values);
        return _command.ExecuteNonQuery();
    }

    /// <summary>Runs the statement for one row and returns its first column (e.g. <c>RETURNING id</c>).</summary>
    public object? Scalar(params ReadOnlySpan<object?> values)
    {
        Bind(values);
        return _command.ExecuteScalar();
    }

    private void Bind(ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    public void Dispose() => _command.Dispose();
}
