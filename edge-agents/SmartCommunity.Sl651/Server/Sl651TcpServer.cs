using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;

namespace SmartCommunity.Sl651.Server;

/// <summary>
/// Accepts RTU connections, extracts SL 651 frames from each byte stream, writes decoded reports to a channel and
/// acknowledges them. One task per connection; at most <see cref="Sl651ServerOptions.MaxConnections"/> at once.
/// A report is acknowledged only once the channel took it, so a full channel makes the RTU resend later.
/// </summary>
public sealed class Sl651TcpServer : IAsyncDisposable
{
    private readonly Sl651ServerOptions _options;
    private readonly ChannelWriter<Sl651Report> _reports;
    private readonly TimeProvider _time;
    private readonly Action<Sl651Rejection, EndPoint?>? _onRejected;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnectionId;
    private int _downlinkSerial;

    /// <param name="options">Validated here; see <see cref="Sl651ServerOptions"/> for defaults.</param>
    /// <param name="reports">Receives every decoded report; use a bounded channel (the server only calls TryWrite).</param>
    /// <param name="timeProvider">Clock for ack times and idle timeouts; defaults to the system clock.</param>
    /// <param name="onRejected">Called for every rejection with the peer's address, e.g. to log it. Keep it cheap.</param>
    public Sl651TcpServer(
        Sl651ServerOptions options,
        ChannelWriter<Sl651Report> reports,
        TimeProvider? timeProvider = null,
        Action<Sl651Rejection, EndPoint?>? onRejected = null)
    {
        options.Validate();
        _options = options;
        _reports = reports;
        _time = timeProvider ?? TimeProvider.System;
        _onRejected = onRejected;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    public Sl651ServerCounters Counters { get; } = new();

    /// <summary>The bound endpoint (with the real port when <see cref="Sl651ServerOptions.Port"/> is 0).</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint)(_listener?.LocalEndpoint ?? throw new InvalidOperationException("The server has not been started."));

    /// <summary>Binds the listener (throws if the port is taken) and starts accepting in the background.</summary>
    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server has already been started.");
        }

        _listener = new TcpListener(_options.ToEndPoint());
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_listener, _stopping.Token);
    }

    /// <summary>Stops accepting, closes every connection after the frame in hand, and waits for them.</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        _listener?.Stop();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _listener?.Dispose();
        _stopping.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // Should be rare: the peer reset before the accept completed.
                continue;
            }

            if (!_slots.Wait(0, CancellationToken.None))
            {
                Counters.ConnectionRefused();
                client.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var task = RunConnectionAsync(client, stop);
            _connections[id] = task;
            _ = task.ContinueWith(_ => _connections.TryRemove(id, out Task? _), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task RunConnectionAsync(TcpClient client, CancellationToken stop)
    {
        await Task.Yield(); // Leave the accept loop before the first read.
        Counters.ConnectionAccepted();
        try
        {
            await ServeAsync(client, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away, or stop/idle timeout cancelled an ack being written: the connection is over.
        }
        catch (Exception)
        {
            // A bug or a throwing onRejected callback ends this connection only, never the server; it is counted.
            Counters.ConnectionFault();
        }
        finally
        {
            // Count first, close last: once the peer sees the close, the counters already tell the story.
            Counters.ConnectionClosed();
            _slots.Release();
            client.Dispose();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        var peer = client.Client.RemoteEndPoint;
        var stream = client.GetStream();
        var assembler = new Sl651FrameAssembler(_options.MaxFrameSize);
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, idle.Token);
        while (true)
        {
            idle.CancelAfter(_options.IdleTimeout);
            int read;
            try
            {
                read = await stream.ReadAsync(assembler.GetReadBuffer(), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                Counters.IdleTimeout();
                break;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (read == 0)
            {
                break;
            }

            assembler.Advance(read);
            var skipped = assembler.SkippedBytes;
            while (assembler.TryRead(out var result))
            {
                // Counted before the frame is answered, so the garbage ahead of a frame is on the counter by the time
                // its acknowledgement reaches the station (a clean-clone run read the counter between the two).
                Counters.Garbage(assembler.SkippedBytes - skipped);
                skipped = assembler.SkippedBytes;
                await HandleAsync(result, stream, peer, linked.Token).ConfigureAwait(false);
            }

            Counters.Garbage(assembler.SkippedBytes - skipped);
        }

        // A lone trailing 7E is not a frame; anything longer was one that never finished.
        if (assembler.Pending > 1)
        {
            Reject(new(Sl651RejectReason.Truncated, $"{assembler.Pending} bytes of an unfinished frame when the connection ended"), peer);
        }
    }

    private async ValueTask HandleAsync(Sl651ScanResult result, NetworkStream stream, EndPoint? peer, CancellationToken token)
    {
        if (result.Frame is not { } frame)
        {
            Reject(result.Rejection, peer);
            return;
        }

        Counters.FrameAccepted();
        if (frame.Direction != Sl651Direction.Up)
        {
            Reject(new(Sl651RejectReason.WrongDirection, $"downlink frame (function 0x{(int)frame.FunctionCode:X2}) sent to the centre"), peer);
            return;
        }

        if (frame.FunctionCode == Sl651FunctionCode.LinkKeepAlive)
        {
            if (!Sl651ReportParser.TryReadBodyHeader(frame.Body.Span, _options.StationUtcOffset, out var keepAliveSerial, out _, out var bad))
            {
                Reject(bad, peer);
                return;
            }

            Counters.KeepAlive();
            if (_options.AcknowledgeKeepAlive)
            {
                await SendAckAsync(frame, keepAliveSerial, stream, token).ConfigureAwait(false);
            }

            return;
        }

        if (frame.FunctionCode == Sl651FunctionCode.SetClock)
        {
            // The station's answer to our set-clock command: serial and its new time (then its address).
            if (!Sl651ReportParser.TryReadBodyHeader(frame.Body.Span, _options.StationUtcOffset, out _, out _, out var badAnswer))
            {
                Reject(badAnswer, peer);
                return;
            }

            Counters.ClockSetConfirmed();
            return;
        }

        if (!Sl651ReportParser.TryParse(frame, _options.StationUtcOffset, out var report, out var rejection))
        {
            Reject(rejection, peer);
            return;
        }

        if (!_reports.TryWrite(report))
        {
            Counters.ReportDropped();
            return;
        }

        Counters.ReportDelivered();
        var clockOff = _options.SetClockWhenOffBy is { } tolerance && (report.SendTime - _time.GetUtcNow()).Duration() > tolerance;
        await SendAckAsync(frame, report.Serial, stream, token, clockOff ? Sl651ControlChars.Esc : _options.AckEndChar).ConfigureAwait(false);
        if (clockOff)
        {
            await SendSetClockAsync(frame, stream, token).ConfigureAwait(false);
        }
    }

    private async ValueTask SendAckAsync(Sl651Frame frame, ushort serial, NetworkStream stream, CancellationToken token, byte? endChar = null)
    {
        var now = _time.GetUtcNow().ToOffset(_options.StationUtcOffset);
        var ack = Sl651Acknowledgement.Build(frame, serial, now, endChar ?? _options.AckEndChar);
        await stream.WriteAsync(ack, token).ConfigureAwait(false);
        Counters.AckSent();
    }

    /// <summary>
    /// SL 651-2014 function 4A (设置遥测站时钟): the centre's serial and current time (BCD, the stations' zone), ended
    /// by ENQ; sent after an acknowledgement ended by ESC, which keeps the station online to take it. The station's
    /// readings are acknowledged either way: nothing it sent is refused for its clock.
    /// </summary>
    private async ValueTask SendSetClockAsync(Sl651Frame report, NetworkStream stream, CancellationToken token)
    {
        var serial = (ushort)Interlocked.Increment(ref _downlinkSerial);
        var now = _time.GetUtcNow().ToOffset(_options.StationUtcOffset);
        var command = Sl651ClockCommand.Build(report, serial, now);
        await stream.WriteAsync(command, token).ConfigureAwait(false);
        Counters.ClockSetSent();
    }

    private void Reject(Sl651Rejection rejection, EndPoint? peer)
    {
        Counters.Rejected(rejection.Reason);
        _onRejected?.Invoke(rejection, peer);
    }
}
