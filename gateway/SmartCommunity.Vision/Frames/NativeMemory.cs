using System.Buffers;

namespace SmartCommunity.Vision.Frames;

/// <summary>
/// Exposes a frame's unmanaged bytes as <see cref="Memory{T}"/>, so an async stream read can fill the Mat in place
/// (a Span cannot cross an await).
/// </summary>
internal sealed unsafe class NativeMemory(IntPtr pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new((void*)pointer, length);

    // The Mat's memory does not move; pinning is a no-op.
    public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
