using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSessions.Hosting;

/// <summary>
/// The <see cref="ISessionClient"/> DI hands out: a <see cref="SessionClient"/> over the container that
/// <see cref="AkkaActorSessionsHostingExtensions.WithActorSessions(Akka.Hosting.AkkaConfigurationBuilder, Action{ActorSessionsOptions}?)"/> registers, found at the first call
/// (<see cref="IRequiredActor{TKey}.GetAsync"/>) rather than when the client is built. So it can be
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
        // Waits for the actor system to start the container; a host without WithActorSessions never
        // registers one, which ActorSessionsStartupCheck reports at start instead of this waiting for ever.
        var container = await _services.GetRequiredService<IRequiredActor<SessionContainer>>().GetAsync().ConfigureAwait(false);
        var client = new SessionClient(
            container,
            SessionSettings.Create(_services.GetRequiredService<ActorSystem>().Settings.Config),
            _services.GetService<TimeProvider>());
        Volatile.Write(ref _client, client);
        if (_disposed)
        {
            client.Dispose();
        }

        return client;
    }
}
