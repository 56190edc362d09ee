namespace ActorSessions.Benchmarks.Durable;

/// <summary>Clearing what a run of the harness left in its stores: a SQLite file with its WAL, a PostgreSQL schema.</summary>
internal static class BenchDatabases
{
    /// <summary>Deletes a SQLite database with its <c>-wal</c> and <c>-shm</c> files; missing ones are no error.</summary>
    public static void DeleteSqlite(string path)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(f);
        }
    }

    /// <summary>Drops the schemas, with every table in them.</summary>
    public static async Task DropSchemas(string postgres, params string[] schemas)
    {
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        foreach (var schema in schemas)
        {
            await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
