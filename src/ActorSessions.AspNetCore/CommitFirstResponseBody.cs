using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ActorSessions.AspNetCore;

/// <summary>
/// The response body of a request that changed its session: nothing reaches the server's own body (so the
/// response does not start) until the session's changes are committed. If the commit fails, what the
/// endpoint writes is dropped and the response has not started, so the middleware can still answer 503
/// instead of a success whose changes were lost. Installed by <see cref="HttpSession"/> on the request's
/// first change, so requests that only read pay nothing for it.
/// </summary>
internal sealed class CommitFirstResponseBody : Stream, IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly Func<Task<bool>> _commit;
    private Task<bool>? _committed;
    private PipeWriter? _writer;

    public CommitFirstResponseBody(IHttpResponseBodyFeature inner, Func<Task<bool>> commit)
    {
        _inner = inner;
        _commit = commit;
    }

    /// <summary>The server's own body feature, put back when the middleware is done.</summary>
    public IHttpResponseBodyFeature Inner => _inner;

    /// <summary><see langword="true"/> once the commit ran and failed: the endpoint's output was dropped.</summary>
    public bool Refused => _committed is { IsCompletedSuccessfully: true, Result: false };

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Commits (once) and tells whether the endpoint's output may go out.</summary>
    public Task<bool> CommitAsync() => _committed ??= _commit();

    /// <summary>Sends what the endpoint wrote through the writer and has not flushed yet, when the commit allows it.</summary>
    public async Task FlushPendingAsync()
    {
        if (_writer is not null && !Refused)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }
    }

    void IHttpResponseBodyFeature.DisableBuffering() => _inner.DisableBuffering();

    async Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken)
    {
        if (await CommitAsync().ConfigureAwait(false))
        {
            await _inner.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    async Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        if (await CommitAsync().ConfigureAwait(false))
        {
            await FlushPendingAsync().ConfigureAwait(false);
            await _inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
        }
    }

    async Task IHttpResponseBodyFeature.CompleteAsync()
    {
        if (await CommitAsync().ConfigureAwait(false))
        {
            await FlushPendingAsync().ConfigureAwait(false);
            await _inner.CompleteAsync().ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (await CommitAsync().ConfigureAwait(false))
        {
            await _inner.Stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (await CommitAsync().ConfigureAwait(false))
        {
            await _inner.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Synchronous writes are refused by Kestrel unless the app allows them; then they block here as they would there.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
