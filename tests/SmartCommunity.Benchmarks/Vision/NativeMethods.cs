using System.Runtime.InteropServices;

namespace SmartCommunity.Benchmarks.Vision;

/// <summary>CPU clocks from libc. This machine is shared with other jobs, so CPU time is a steadier measure than
/// wall time: a job on the other core slows the wall clock, not the CPU seconds our work needs.</summary>
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

    /// <summary>CPU time of the calling thread: what "per core" means when OpenCV runs on this one thread.</summary>
    public static TimeSpan ThreadCpuTime()
    {
        const int ClockThreadCpuTimeId = 3; // From <time.h>: CLOCK_THREAD_CPUTIME_ID.
        if (clock_gettime(ClockThreadCpuTimeId, out var t) != 0)
        {
            throw new InvalidOperationException($"clock_gettime failed: {Marshal.GetLastPInvokeError()}");
        }

        return TimeSpan.FromTicks((t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100));
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int getrusage(int who, out Rusage usage);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

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
