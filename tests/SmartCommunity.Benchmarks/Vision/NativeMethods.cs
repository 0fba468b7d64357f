using System.Runtime.InteropServices;

namespace SmartCommunity.Benchmarks.Vision;

/// <summary>CPU time of finished child processes (ffmpeg), from getrusage(2); this machine is shared, so CPU time is
/// a steadier measure of decode cost than wall time.</summary>
internal static class NativeMethods
{
    private const int RusageChildren = -1; // From <sys/resource.h>: RUSAGE_CHILDREN.

    public static TimeSpan ChildrenCpuTime()
    {
        if (getrusage(RusageChildren, out var usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: {Marshal.GetLastPInvokeError()}");
        }

        return TimeSpan.FromSeconds(usage.UserSeconds + usage.SystemSeconds + ((usage.UserMicros + usage.SystemMicros) / 1e6));
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int getrusage(int who, out Rusage usage);

    // Linux x86-64 struct rusage: two timevals, then 14 longs we do not read.
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }
}
