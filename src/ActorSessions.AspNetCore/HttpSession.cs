using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ActorSessions.AspNetCore;

/// <summary>
/// One request's view of its session: ASP.NET Core's <see cref="ISession"/> (what <c>HttpContext.Session</c>
/// returns) over the <see cref="SessionContainer"/>, and the typed <see cref="Session"/> through <see cref="Current"/>.
/// </summary>
/// <remarks>
/// <para>The middleware loads the session before the endpoint runs when the request carries a cookie (which
/// also slides its expiry), so reads never block. A request that writes nothing creates no session and sets
/// no cookie. At the end of the request only the keys that changed are sent, as a delta, so requests that
/// write different keys of one session concurrently all keep their writes.</para>
/// <para>Strict ids: a cookie that names a session the container does not hold is never adopted; the first
/// write creates a session with a fresh id and the cookie is replaced.</para>
/// <para>Not thread-safe, like every <see cref="ISession"/>: use it from the request's own flow.</para>
/// </remarks>
public sealed class HttpSession : ISession
{
    private readonly HttpContext _context;
    private readonly ISessionClient _client;
    private readonly ActorSessionsHttpOptions _options;
    private readonly string? _presentedId;
    private readonly PartitionedRateLimiter<HttpContext>? _newSessions;

    // This request's changes on top of _stored: a value to write, or null to remove.
    private readonly Dictionary<string, byte[]?> _changes = new(StringComparer.Ordinal);
    private bool _clear;

    private LoadState _state;
    private Exception? _loadError;
    private Session? _stored;
    private string? _placeholderId;
    private CookieAction _cookie;
    private bool _discardChanges;

    // The presented id names a session that another request ended or renewed: writing to it is refused.
    private bool _retired;

    // Set on the first change while the response has not started: holds the response back until the commit.
    private CommitFirstResponseBody? _gate;

    internal HttpSession(
        HttpContext context,
        ISessionClient client,
        ActorSessionsHttpOptions options,
        string? presentedId,
        PartitionedRateLimiter<HttpContext>? newSessions = null)
    {
        _newSessions = newSessions;
        _context = context;
        _client = client;
        _options = options;
        _presentedId = presentedId;
    }

    private enum LoadState
    {
        NotLoaded,
        Loaded,
        Unavailable,
    }

    private enum CookieAction
    {
        None,
        Set,
        Delete,
    }

    /// <summary>
    /// <see langword="false"/> when the container could not be reached in time to load the session; reads then
    /// find nothing and writes throw.
    /// </summary>
    public bool IsAvailable => _state == LoadState.Loaded;

    /// <summary>
    /// A correlation id for logs, derived one-way from the session id, so it can be shown or logged without
    /// giving the session away (the session id itself is a bearer secret and lives only in the cookie). It
    /// changes when the id is renewed. While no session exists, it is a random value for this request, as
    /// in ASP.NET Core's own session before the session is established.
    /// </summary>
    public string Id => _stored is { } s ? CorrelationId(s.Id) : _placeholderId ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The keys the session holds, this request's changes included.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            var keys = new List<string>();
            if (_stored is { } s && !_clear)
            {
                keys.AddRange(s.Keys.Where(k => !_changes.ContainsKey(k)));
            }

            keys.AddRange(_changes.Where(c => c.Value is not null).Select(c => c.Key));
            return keys;
        }
    }

    /// <summary><see langword="true"/> when a session exists in the container for this request (loaded, or created by it).</summary>
    public bool Exists => _stored is not null;

    /// <summary><see langword="true"/> when this request created the session.</summary>
    public bool IsNew { get; private set; }

    /// <summary><see langword="true"/> when this request has changes the container does not have yet.</summary>
    public bool IsModified => _clear || _changes.Count > 0;

    /// <summary>
    /// The session as a typed <see cref="Session"/>: the container's copy with this request's changes on top,
    /// or <see langword="null"/> while no session exists. Its stamps and version are the container's as last seen.
    /// </summary>
    public Session? Current
    {
        get
        {
            if (_stored is not { } s)
            {
                return null;
            }

            if (!IsModified)
            {
                return s;
            }

            var data = _clear ? SessionData.Empty : s.Data;
            foreach (var (key, value) in _changes)
            {
                data = value is null ? data.Remove(key) : data.SetItem(key, ImmutableArray.Create(value));
            }

            return s with { Data = data };
        }
    }

    /// <inheritdoc />
    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_changes.TryGetValue(key, out var changed))
        {
            value = changed?.ToArray();
            return value is not null;
        }

        if (TryGetStored(key, out var stored))
        {
            value = stored.ToArray();
            return true;
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    /// <exception cref="SessionLimitExceededException">The key or value is too long, or the session would hold too many keys; nothing is stored.</exception>
    /// <exception cref="InvalidOperationException">The session is unavailable, or a new session would be needed after the response started.</exception>
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureWritable();
        if (key.Length > _options.MaxKeyLength)
        {
            throw new SessionLimitExceededException(
                $"The session key is {key.Length} characters long; the limit is {_options.MaxKeyLength}. Nothing was stored.");
        }

        if (value.Length > _options.MaxValueBytes)
        {
            throw new SessionLimitExceededException(
                $"The value for session key '{Shorten(key)}' is {value.Length} bytes; the limit is {_options.MaxValueBytes}. Nothing was stored.",
                StatusCodes.Status413PayloadTooLarge);
        }

        if (!Contains(key) && Count() >= _options.MaxKeys)
        {
            throw new SessionLimitExceededException(
                $"The session already holds {_options.MaxKeys} keys, the limit; '{Shorten(key)}' was not stored.");
        }

        if (_stored is null && _context.Response.HasStarted)
        {
            throw new InvalidOperationException("The session cannot be established after the response has started: its cookie could no longer be sent.");
        }

        if (TryGetStored(key, out var current) && current.AsSpan().SequenceEqual(value))
        {
            // Back to what the container holds: nothing to write for this key.
            _changes.Remove(key);
            return;
        }

        _changes[key] = value.ToArray();
        HoldResponse();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The session is unavailable.</exception>
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureWritable();
        if (TryGetStored(key, out _))
        {
            _changes[key] = null;
            HoldResponse();
        }
        else
        {
            _changes.Remove(key);
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The session is unavailable.</exception>
    public void Clear()
    {
        EnsureWritable();
        _clear |= _stored is { Count: > 0 };
        _changes.Clear();
        if (_clear)
        {
            HoldResponse();
        }
    }

    /// <summary>
    /// Loads the session from the container. The middleware has already done it before the endpoint runs,
    /// so this returns at once, or throws again when that load failed.
    /// </summary>
    /// <exception cref="OperationCanceledException">The container did not answer within <see cref="ActorSessionsHttpOptions.IOTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The container could not be asked.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        switch (_state)
        {
            case LoadState.Loaded:
                return;
            case LoadState.Unavailable:
                throw _loadError is OperationCanceledException
                    ? new OperationCanceledException("Timed out loading the session.", _loadError)
                    : new InvalidOperationException("The session could not be loaded from the session container.", _loadError);
        }

        if (_presentedId is null)
        {
            _state = LoadState.Loaded;
            return;
        }

        using var activity = SessionActivities.Source.StartActivity("ActorSessions load");
        try
        {
            // Loads and touches at once: a request with a cookie slides the expiry even when the endpoint
            // never reads the session, and an unknown id creates nothing. Not a write: never waits for a commit.
            _stored = (await WithTimeout(ct => _client.TouchAsync(_presentedId, ct), "loading", cancellationToken).ConfigureAwait(false)).Session;
            _state = LoadState.Loaded;
        }
        catch (SessionNotFoundException e)
        {
            _stored = null;
            _retired = e.Retired;
            _state = LoadState.Loaded;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _state = LoadState.Unavailable;
            _loadError = e;
            SessionActivities.Failed(activity, e);
            throw;
        }

        activity?.SetTag("actorsessions.session.found", _stored is not null);
    }

    /// <summary>
    /// Sends this request's changes to the container and waits until they are durable: creates the session
    /// first when none exists (with a fresh id, and the cookie to go with it), then writes only the changed
    /// keys. Does nothing when nothing changed. The middleware calls it before the response starts and again
    /// at the end of the request.
    /// </summary>
    /// <remarks>
    /// A write is never cut short by <see cref="ActorSessionsHttpOptions.IOTimeout"/> or by the client going
    /// away: it waits for the container's verdict, which the container's own timeouts bound (its request
    /// timeout holds the store's commit timeout), so a write is never reported lost that was stored, and a
    /// session is never created whose cookie is not sent.
    /// </remarks>
    /// <param name="cancellationToken">Not used to cut a write short (see the remarks), as a write whose caller gave up may still be stored.</param>
    /// <exception cref="SessionUnavailableException">The changes could not be stored; nothing of them was.</exception>
    /// <exception cref="SessionConflictException">Another request ended or renewed the session meanwhile; nothing was stored.</exception>
    /// <exception cref="SessionLimitExceededException">
    /// A new session was needed and the client has created too many (429), or the session would pass the
    /// container's own limits (413); nothing was stored.
    /// </exception>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_state != LoadState.Loaded || !IsModified)
        {
            return;
        }

        if (_discardChanges)
        {
            DropChanges();
            return;
        }

        if (_stored is null)
        {
            if (_retired)
            {
                DropChanges();
                throw Retired();
            }

            if (_context.Response.HasStarted)
            {
                DropChanges();
                throw new InvalidOperationException("The session cannot be established after the response has started: its cookie could no longer be sent. Nothing was stored.");
            }
        }

        var update = TakeChanges();
        var created = _stored is null;
        using var activity = SessionActivities.Source.StartActivity("ActorSessions commit");
        activity?.SetTag("actorsessions.session.created", created);
        activity?.SetTag("actorsessions.keys.changed", update.Set.Count + (update.Remove.IsDefault ? 0 : update.Remove.Length));
        try
        {
            await StoreAsync(update, created).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SessionActivities.Failed(activity, e);
            throw;
        }
    }

    private async Task StoreAsync(UpdateSession update, bool created)
    {
        if (created)
        {
            // One request, one commit: the new session with its first keys, under a fresh id.
            await CreateAsync(update).ConfigureAwait(false);
            return;
        }

        try
        {
            _stored = (await Write(() => _client.UpdateAsync(update with { SessionId = _stored!.Id }, CancellationToken.None), "stored").ConfigureAwait(false)).Session;
        }
        catch (SessionNotFoundException)
        {
            // It ended or was renewed between load and commit (logout or login in another tab, expiry): the
            // changes are refused, never forked into a fresh session or sent to the renewed one.
            _stored = null;
            _retired = true;
            throw Retired();
        }
    }

    /// <summary>
    /// Gives the session a fresh id and retires the old one, keeping its data: call it at login, against
    /// session fixation. The new cookie goes out with this response. Does nothing while no session exists
    /// (a session created later gets a fresh id anyway).
    /// </summary>
    /// <param name="cancellationToken">Not used to cut the renewal short, as with <see cref="CommitAsync"/>.</param>
    /// <exception cref="InvalidOperationException">The response has started.</exception>
    /// <exception cref="SessionUnavailableException">The session is unavailable, or the renewal could not be stored.</exception>
    /// <exception cref="SessionConflictException">Another request renewed or ended the session meanwhile; nothing was changed.</exception>
    public async Task RenewIdAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        if (_context.Response.HasStarted)
        {
            throw new InvalidOperationException("The session id cannot be renewed after the response has started: the new cookie could no longer be sent.");
        }

        if (_stored is not { } s)
        {
            return;
        }

        try
        {
            var renewed = await Write(() => _client.RenewAsync(s.Id, CancellationToken.None), "renewed").ConfigureAwait(false);
            _stored = renewed.Session;
            _cookie = CookieAction.Set;
        }
        catch (SessionNotFoundException e) when (e.Retired)
        {
            // Renewed or ended by another request meanwhile (two logins, or a login and a logout, racing):
            // refused like a write, rather than forking the user into a second session.
            _stored = null;
            _retired = true;
            throw Retired();
        }
        catch (SessionNotFoundException)
        {
            // It expired meanwhile: the login goes on, and a write after it starts a fresh session.
            _stored = null;
        }
    }

    /// <summary>
    /// Ends the session (logout): the container deletes it, this request's changes are dropped and the
    /// cookie is deleted. A write after it starts a new session with a fresh id.
    /// </summary>
    /// <param name="cancellationToken">Not used to cut the deletion short, as with <see cref="CommitAsync"/>.</param>
    /// <exception cref="InvalidOperationException">The response has started.</exception>
    /// <exception cref="SessionUnavailableException">The deletion could not be stored: the session goes on.</exception>
    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        if (_context.Response.HasStarted)
        {
            throw new InvalidOperationException("The session cannot be ended after the response has started: the cookie could no longer be deleted.");
        }

        // The presented id too: logout must work even when loading the session failed.
        var id = _stored?.Id ?? _presentedId;
        if (id is not null)
        {
            await Write(() => _client.DeleteAsync(id, CancellationToken.None), "ended").ConfigureAwait(false);
        }

        _stored = null;
        _retired = false;
        IsNew = false;
        DropChanges();
        _cookie = _presentedId is null ? CookieAction.None : CookieAction.Delete;
        if (_state == LoadState.Unavailable)
        {
            // There is nothing left to load: the request can go on with an empty session.
            _state = LoadState.Loaded;
        }
    }

    /// <summary>Stops this request's changes from being stored: the request failed.</summary>
    internal void DiscardChanges()
    {
        _discardChanges = true;
        DropChanges();
    }

    /// <summary>This request's response.</summary>
    internal HttpResponse Response => _context.Response;

    /// <summary>The response body that holds the response back until the commit, when this request changed the session.</summary>
    internal CommitFirstResponseBody? Gate => _gate;

    /// <summary>Why the commit before the response failed, once it has; the middleware answers with it.</summary>
    internal Exception? Refusal { get; private set; }

    /// <summary>
    /// Commits before the response starts; on failure keeps the reason in <see cref="Refusal"/> and drops the
    /// changes (and a cookie for a session this request created), so the middleware can refuse the request.
    /// </summary>
    internal async Task<bool> TryCommitBeforeResponseAsync()
    {
        if (Refusal is not null)
        {
            return false;
        }

        try
        {
            await CommitAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SessionUnavailableException or SessionConflictException or SessionLimitExceededException)
        {
            Refuse(e);
            return false;
        }
    }

    /// <summary>Records why this request's changes were not stored: none of them will be, and no cookie goes out for them.</summary>
    internal void Refuse(Exception reason)
    {
        Refusal ??= reason;
        DiscardChanges();
        if (IsNew && _stored is { } created)
        {
            // Created by this request, whose changes then failed: nobody will ever hold its cookie.
            _ = _client.DeleteAsync(created.Id, CancellationToken.None).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            _stored = null;
            IsNew = false;
        }

        if (_cookie == CookieAction.Set)
        {
            _cookie = CookieAction.None;
        }
    }

    /// <summary>Adds the Set-Cookie this request needs, if any: once, just before the response starts.</summary>
    internal void WriteCookie()
    {
        var action = _cookie;
        _cookie = CookieAction.None;
        if (action == CookieAction.None)
        {
            return;
        }

        var response = _context.Response;
        var cookie = _options.Cookie;
        var cookieOptions = cookie.Build(_context);
        if (action == CookieAction.Set && _stored is { } s)
        {
            response.Cookies.Append(cookie.Name!, s.Id, cookieOptions);
        }
        else
        {
            response.Cookies.Delete(cookie.Name!, cookieOptions);
        }

        // A response that carries a session cookie must never be cached and served to someone else.
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>On the request's first change, before the response starts: nothing goes out until the change is stored.</summary>
    private void HoldResponse()
    {
        if (_gate is not null || _context.Response.HasStarted || _context.Features.Get<IHttpResponseBodyFeature>() is not { } body)
        {
            return;
        }

        _gate = new CommitFirstResponseBody(body, TryCommitBeforeResponseAsync);
        _context.Features.Set<IHttpResponseBodyFeature>(_gate);
    }

    private async Task CreateAsync(UpdateSession changes)
    {
        if (_newSessions is not null)
        {
            using var lease = await _newSessions.AcquireAsync(_context, 1, CancellationToken.None).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : (TimeSpan?)null;
                throw new SessionLimitExceededException(
                    "Too many new sessions from this client; try again later. Nothing was stored.",
                    StatusCodes.Status429TooManyRequests,
                    retryAfter);
            }
        }

        var create = new CreateSession(changes.Set, changes.Remove, changes.Clear);
        var opened = await Write(() => _client.CreateAsync(create, CancellationToken.None), "created").ConfigureAwait(false);
        _stored = opened.Session;
        IsNew = true;
        _cookie = CookieAction.Set;
    }

    private static SessionConflictException Retired() =>
        new("The session was ended or renewed by another request while this one ran; nothing was stored. Reload and try again.");

    private UpdateSession TakeChanges()
    {
        var set = new List<KeyValuePair<string, ImmutableArray<byte>>>(_changes.Count);
        var remove = ImmutableArray.CreateBuilder<string>();
        foreach (var (key, value) in _changes)
        {
            if (value is null)
            {
                remove.Add(key);
            }
            else
            {
                set.Add(new(key, ImmutableArray.Create(value)));
            }
        }

        var update = new UpdateSession(string.Empty, SessionData.CreateRange(set), remove.ToImmutable(), _clear);
        DropChanges();
        return update;
    }

    /// <summary>The value the container holds under <paramref name="key"/>, unless this request cleared the session.</summary>
    private bool TryGetStored(string key, out ImmutableArray<byte> value)
    {
        value = default;
        return !_clear && _stored is { } s && s.TryGetValue(key, out value);
    }

    private void DropChanges()
    {
        _changes.Clear();
        _clear = false;
    }

    private bool Contains(string key) =>
        _changes.TryGetValue(key, out var changed) ? changed is not null : TryGetStored(key, out _);

    private int Count()
    {
        var count = _clear || _stored is null ? 0 : _stored.Count;
        foreach (var (key, value) in _changes)
        {
            var stored = TryGetStored(key, out _);
            count += (value is null, stored) switch
            {
                (true, true) => -1,
                (false, false) => 1,
                _ => 0,
            };
        }

        return count;
    }

    private void EnsureWritable()
    {
        if (_state == LoadState.Unavailable)
        {
            throw new SessionUnavailableException("The session could not be loaded, so it cannot be changed; nothing was stored.", _loadError);
        }

        if (_state == LoadState.NotLoaded)
        {
            throw new InvalidOperationException("The session has not been loaded; it is served by the ActorSessions middleware (app.UseActorSessions()).");
        }
    }

    /// <summary>
    /// One write to the container, waited for until its verdict: a refusal of the store, or no verdict
    /// within the client's request timeout, becomes <see cref="SessionUnavailableException"/>.
    /// </summary>
    private static async Task<T> Write<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException e)
        {
            throw new SessionUnavailableException($"The session could not be {what}: its store is unavailable. Nothing was changed.", e);
        }
        catch (SessionTooLargeException e)
        {
            // The container's own limits, which hold across concurrent requests; its message names the
            // limit and the figures, never the session.
            throw new SessionLimitExceededException(e.Message, StatusCodes.Status413PayloadTooLarge);
        }
        catch (TimeoutException e)
        {
            throw new SessionUnavailableException($"The session container did not confirm in time that the session was {what}.", e);
        }
    }

    private async Task<T> WithTimeout<T>(Func<CancellationToken, Task<T>> call, string what, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.IOTimeout);
        try
        {
            return await call(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(
                $"The session container did not answer within {_options.IOTimeout.TotalMilliseconds:0} ms while {what} the session.", e, cts.Token);
        }
    }

    private static string CorrelationId(string sessionId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)).AsSpan(0, 8));

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "...";
}
