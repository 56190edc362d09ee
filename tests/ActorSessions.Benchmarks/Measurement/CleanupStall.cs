using System.Diagnostics;
using Akka.Actor;
using ActorSessions.Benchmarks.Reporting;
using ActorSessions.Benchmarks.Seed;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Benchmarks.Measurement;

/// <summary>
/// How long a request waits when it arrives right behind a cleanup. The container holds
/// <c>sessions</c> sessions created in ten cohorts, three minutes apart on a fake clock; each round the
/// clock moves so that the oldest cohort (<c>expired</c> sessions) has passed the 30-minute idle
/// timeout, a cleanup is started, and a read of a live session is sent right behind it. A new cohort
/// then refills the container for the next round.
/// </summary>
internal static class CleanupStall
{
    private static readonly TimeSpan Gap = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Past = TimeSpan.FromSeconds(1);

    public static async Task<CleanupFigure> ActorSessionsAsync(ActorSystem system, string name, int sessions, int expired, int batchSize, int rounds)
    {
        var cohorts = sessions / expired;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var settings = SessionSettings.Default with
        {
            CleanupBatchSize = batchSize,
            MaxSessions = sessions * 2,
            CleanupInterval = TimeSpan.FromDays(1),
        };

        // The client's timeouts run on the real clock: the fake one only ages the sessions.
        var container = system.ActorOf(SessionContainer.Props(settings, time), name);
        using var client = new SessionClient(container, new SessionClientSettings { RequestTimeout = TimeSpan.FromMinutes(2) });
        var live = string.Empty;
        for (var c = 0; c < cohorts; c++)
        {
            live = await FillAsync(client, expired);
            if (c < cohorts - 1)
            {
                time.Advance(Gap);
            }
        }

        var idle = new List<double>();
        var stalls = new List<double>();
        var cleanups = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            time.Advance(Gap + (round == 0 ? Past : TimeSpan.Zero));

            var before = Stopwatch.GetTimestamp();
            await client.GetAsync(live);
            idle.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);

            var cleanup = client.CleanupAsync();
            var started = Stopwatch.GetTimestamp();
            await client.GetAsync(live);
            stalls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var done = await cleanup;
            if (done.Removed != expired)
            {
                throw new InvalidOperationException($"The cleanup removed {done.Removed} sessions; {expired} had expired.");
            }

            cleanups.Add((await client.GetStatsAsync()).LastCleanupDuration.TotalMilliseconds);
            live = await FillAsync(client, expired);
        }

        await container.GracefulStop(TimeSpan.FromSeconds(30));
        var label = batchSize == int.MaxValue
            ? "ActorSessions, one-pass cleanup (cleanup-batch-size = all), SessionClient"
            : $"ActorSessions, chunked cleanup (cleanup-batch-size = {batchSize}), SessionClient";
        return new CleanupFigure(label, sessions, expired, rounds, Statistics.Median(stalls), stalls.Max(), Statistics.Median(idle), Statistics.Median(cleanups));
    }

    public static CleanupFigure Seed(int sessions, int expired, int rounds)
    {
        var cohorts = sessions / expired;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var seed = new SeedSessionContainer(SessionSettings.Default.IdleTimeout, time);
        var live = string.Empty;
        for (var c = 0; c < cohorts; c++)
        {
            live = Fill(seed, expired);
            if (c < cohorts - 1)
            {
                time.Advance(Gap);
            }
        }

        var idle = new List<double>();
        var stalls = new List<double>();
        var cleanups = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            time.Advance(Gap + (round == 0 ? Past : TimeSpan.Zero));

            var before = Stopwatch.GetTimestamp();
            seed.Open(live);
            idle.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);

            var cleanupStarted = Stopwatch.GetTimestamp();
            var cleanup = Task.Factory.StartNew(() => (seed.Cleanup(), Stopwatch.GetElapsedTime(cleanupStarted)), TaskCreationOptions.LongRunning);
            var spin = new SpinWait();
            while (!seed.CleanupHoldsLock && !cleanup.IsCompleted)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            var started = Stopwatch.GetTimestamp();
            seed.Open(live);
            stalls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var (removed, took) = cleanup.GetAwaiter().GetResult();
            if (removed != expired)
            {
                throw new InvalidOperationException($"The seed's cleanup removed {removed} sessions; {expired} had expired.");
            }

            cleanups.Add(took.TotalMilliseconds);
            live = Fill(seed, expired);
        }

        return new CleanupFigure("seed: global lock + Dictionary (cleanup walks all under the lock)", sessions, expired, rounds, Statistics.Median(stalls), stalls.Max(), Statistics.Median(idle), Statistics.Median(cleanups))
        {
            IsSeed = true,
        };
    }

    private static async Task<string> FillAsync(SessionClient client, int count)
    {
        const int Parallel = 1024;
        var last = string.Empty;
        for (var done = 0; done < count; done += Parallel)
        {
            var opened = await Task.WhenAll(Enumerable.Range(0, Math.Min(Parallel, count - done)).Select(_ => client.OpenAsync()));
            last = opened[^1].Session.Id;
        }

        return last;
    }

    private static string Fill(SeedSessionContainer seed, int count)
    {
        var last = string.Empty;
        for (var i = 0; i < count; i++)
        {
            last = seed.Open().Id;
        }

        return last;
    }
}
