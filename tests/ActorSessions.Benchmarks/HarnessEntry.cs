using ActorSessions.Benchmarks.Reporting;

namespace ActorSessions.Benchmarks;

/// <summary>The harness's command line, callable in-process by the smoke test.</summary>
internal static class HarnessEntry
{
    public const string MarkdownFile = "report.md";
    public const string JsonFile = "report.json";

    public static async Task<int> RunAsync(string[] args, TextWriter log)
    {
        var options = args.Contains("--quick") || args.Contains("--smoke") ? HarnessOptions.Quick : HarnessOptions.Full;
        var outIndex = Array.IndexOf(args, "--out");
        if (outIndex >= 0)
        {
            if (outIndex + 1 >= args.Length)
            {
                log.WriteLine("--out needs a directory.");
                return 2;
            }

            options = options with { OutputDirectory = args[outIndex + 1] };
        }

        var onlyIndex = Array.IndexOf(args, "--only");
        if (onlyIndex >= 0 && onlyIndex + 1 < args.Length)
        {
            options = options with { Only = args[onlyIndex + 1] };
        }

        var durationIndex = Array.IndexOf(args, "--seconds");
        if (durationIndex >= 0 && durationIndex + 1 < args.Length && double.TryParse(args[durationIndex + 1], System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            options = options with { Duration = TimeSpan.FromSeconds(seconds) };
        }

        var roundsIndex = Array.IndexOf(args, "--rounds");
        if (roundsIndex >= 0 && roundsIndex + 1 < args.Length && int.TryParse(args[roundsIndex + 1], out var rounds) && rounds > 0)
        {
            options = options with { Rounds = rounds };
        }

        var populationIndex = Array.IndexOf(args, "--population");
        if (populationIndex >= 0 && populationIndex + 1 < args.Length && int.TryParse(args[populationIndex + 1], out var population) && population > 0)
        {
            options = options with { Population = population };
        }

        var report = await new Harness(options, log).RunAsync();
        var markdown = ReportWriter.ToMarkdown(report);
        Directory.CreateDirectory(options.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, MarkdownFile), markdown);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, JsonFile), ReportWriter.ToJson(report));
        log.WriteLine();
        log.WriteLine(markdown);
        log.WriteLine($"Written to {Path.GetFullPath(options.OutputDirectory)}/{MarkdownFile} and {JsonFile}.");
        return 0;
    }
}
