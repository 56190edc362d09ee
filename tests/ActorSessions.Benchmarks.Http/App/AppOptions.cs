namespace ActorSessions.Benchmarks.Http.App;

/// <summary>The server's command line: <c>serve --backend NAME</c> and what that backend needs.</summary>
internal sealed record AppOptions(Backend Backend, string? Redis, string? PostgreSql, string? PostgreSqlSchema, string? SqlitePath)
{
    public static AppOptions Parse(IReadOnlyList<string> args)
    {
        string? Value(string name)
        {
            for (var i = 0; i < args.Count - 1; i++)
            {
                if (args[i] == name)
                {
                    return args[i + 1];
                }
            }

            return null;
        }

        var backend = Backends.Parse(Value("--backend") ?? throw new ArgumentException("serve needs --backend NAME."));
        var options = new AppOptions(backend, Value("--redis"), Value("--postgres"), Value("--postgres-schema"), Value("--sqlite"));
        var missing = backend switch
        {
            Backend.AspNetRedis or Backend.AspNetRedisFsync when options.Redis is null => "--redis host:port",
            Backend.ActorSessionsPostgreSql when options.PostgreSql is null => "--postgres \"connection string\"",
            Backend.ActorSessionsSqlite when options.SqlitePath is null => "--sqlite path",
            _ => null,
        };
        return missing is null ? options : throw new ArgumentException($"The backend {backend.Key()} needs {missing}.");
    }
}
