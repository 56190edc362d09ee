using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.Hosting;

/// <summary>
/// The <see cref="ISessionClient"/> DI hands out: a <see cref="SessionClient"/> over the container that
/// <see cref="AkkaActorSessionsHostingExtensions.WithActorSessions(Akka.Hosting.AkkaConfigurationBuilder, Action{ActorSessionsOptions}?)"/> registers, found at the first call
/// (in the <see cref="ActorRegistry"/>, once the host has started) rather than when the client is built. So it can be
/// injected anywhere, a hosted service's constructor included, before the actor system has started.
/// </summary>
internal sealed class ContainerSessionClient : ISessionClient, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly Lazy<Task<SessionClient>> _resolving;
    private SessionClient? _client;
    private bool _disposed;

    public ContainerSessionClient(IServiceProvider services)
    {
        _services = services;
        _resolving = new Lazy<Task<SessionClient>>(ResolveAsync);
    }

    public Task<SessionOpened> OpenAsync(string? sessionId = null, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.OpenAsync(sessionId, cancellationToken) : Later(c => c.OpenAsync(sessionId, cancellationToken), cancellationToken);

    public Task<SessionSaved> SaveAsync(Session session, bool checkVersion = false, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.SaveAsync(session, checkVersion, cancellationToken) : Later(c => c.SaveAsync(session, checkVersion, cancellationToken), cancellationToken);

    public Task<SessionFound> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.GetAsync(sessionId, cancellationToken) : Later(c => c.GetAsync(sessionId, cancellationToken), cancellationToken);

    public Task<SessionDeleted> DeleteAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.DeleteAsync(sessionId, cancellationToken) : Later(c => c.DeleteAsync(sessionId, cancellationToken), cancellationToken);

    public Task<SessionRenewed> RenewAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.RenewAsync(sessionId, cancellationToken) : Later(c => c.RenewAsync(sessionId, cancellationToken), cancellationToken);

    public Task<SessionsCleanedUp> CleanupAsync(CancellationToken cancellationToken = default) =>
        _client is { } c ? c.CleanupAsync(cancellationToken) : Later(c => c.CleanupAsync(cancellationToken), cancellationToken);

    public Task<TimeAdjusted> AdjustTimeAsync(TimeSpan delta, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.AdjustTimeAsync(delta, cancellationToken) : Later(c => c.AdjustTimeAsync(delta, cancellationToken), cancellationToken);

    public Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        _client is { } c ? c.GetStatsAsync(cancellationToken) : Later(c => c.GetStatsAsync(cancellationToken), cancellationToken);

    public Task<SessionSaved> UpdateAsync(UpdateSession update, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.UpdateAsync(update, cancellationToken) : Later(c => c.UpdateAsync(update, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<SessionFound> TouchAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.TouchAsync(sessionId, cancellationToken) : Later(c => c.TouchAsync(sessionId, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<SessionOpened> CreateAsync(CreateSession create, CancellationToken cancellationToken = default) =>
        _client is { } c ? c.CreateAsync(create, cancellationToken) : Later(c => c.CreateAsync(create, cancellationToken), cancellationToken);

    public void Dispose()
    {
        _disposed = true;
        _client?.Dispose();
    }

    private async Task<T> Later<T>(Func<SessionClient, Task<T>> call, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var client = await _resolving.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await call(client).ConfigureAwait(false);
    }

    private async Task<SessionClient> ResolveAsync()
    {
        var registry = _services.GetRequiredService<ActorRegistry>();
        if (!registry.TryGet<SessionContainer>(out var container))
        {
            // Called before the actor system has registered the container (from a hosted service that starts
            // first): wait for the host to have started, when WithActors has run. Not the registry's own
            // waiters, which a registration without overwrite does not complete in this Akka.Hosting.
            await HostStartedAsync().ConfigureAwait(false);
            if (!registry.TryGet<SessionContainer>(out container))
            {
                throw new InvalidOperationException(
                    "ActorSessions has no session container: add .WithActorSessions() to the actor system, e.g. builder.Services.AddAkka(\"my-app\", akka => akka.WithActorSessions()).");
            }
        }

        var client = new SessionClient(
            container,
            SessionClientSettings.Create(_services.GetRequiredService<ActorSystem>().Settings.Config),
            _services.GetService<TimeProvider>());
        Volatile.Write(ref _client, client);
        if (_disposed)
        {
            client.Dispose();
        }

        return client;
    }

    private async Task HostStartedAsync()
    {
        if (_services.GetService<IHostApplicationLifetime>() is not { } lifetime)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = lifetime.ApplicationStopping.Register(() => started.TrySetException(
            new InvalidOperationException("The host stopped before it had started; the session container is not there.")));
        await started.Task.ConfigureAwait(false);
    }
}
