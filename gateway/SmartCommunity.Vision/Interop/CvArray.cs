using OpenCvSharp;
using OpenCvSharp.Internal;

namespace SmartCommunity.Vision.Interop;

/// <summary>
/// A native cv::_InputArray or cv::_OutputArray over a Mat that lives as long as the Mat is reused.
/// </summary>
/// <remarks>
/// OpenCvSharp's Cv2 wrappers allocate a managed InputArray/OutputArray per call and dispose the output wrapper
/// after the call, so they cannot be cached. The per-frame motion step calls the exported native functions with
/// these long-lived wrappers instead, which keeps it free of managed allocations. Both cv wrappers only point at
/// the cv::Mat header, so OpenCV may still reallocate the Mat's data (e.g. the stats table growing).
/// </remarks>
internal sealed class CvArray : IDisposable
{
    private readonly Mat _mat;
    private readonly bool _output;
    private IntPtr _ptr;

    private CvArray(Mat mat, bool output)
    {
        _mat = mat;
        _output = output;
        NativeMethods.HandleException(output
            ? NativeMethods.core_OutputArray_new_byMat(mat.CvPtr, out _ptr)
            : NativeMethods.core_InputArray_new_byMat(mat.CvPtr, out _ptr));
    }

    public IntPtr Ptr
    {
        get
        {
            ObjectDisposedException.ThrowIf(_ptr == IntPtr.Zero, this);
            return _ptr;
        }
    }

    public Mat Mat => _mat;

    public static CvArray Input(Mat mat) => new(mat, output: false);

    public static CvArray Output(Mat mat) => new(mat, output: true);

    public void Dispose()
    {
        if (_ptr == IntPtr.Zero)
        {
            return;
        }

        NativeMethods.HandleException(_output
            ? NativeMethods.core_OutputArray_delete(_ptr)
            : NativeMethods.core_InputArray_delete(_ptr));
        _ptr = IntPtr.Zero;
    }
}
