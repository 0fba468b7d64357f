using OpenCvSharp;
using OpenCvSharp.Internal;

namespace SmartCommunity.Vision.Interop;

/// <summary>The few OpenCV calls on the per-frame path, taking long-lived <see cref="CvArray"/> wrappers.</summary>
internal static class Cv
{
    // From OpenCV imgproc.hpp: morphologyDefaultBorderValue() is Scalar::all(DBL_MAX).
    private static readonly Scalar MorphologyDefaultBorder = Scalar.All(double.MaxValue);

    public static void GaussianBlur3(CvArray src, CvArray dst) =>
        NativeMethods.HandleException(NativeMethods.imgproc_GaussianBlur(src.Ptr, dst.Ptr, new Size(3, 3), 0, 0, BorderTypes.Default));

    public static void ConvertScaleAbs(CvArray src, CvArray dst) =>
        NativeMethods.HandleException(NativeMethods.core_convertScaleAbs(src.Ptr, dst.Ptr, 1, 0));

    public static void AbsDiff(CvArray a, CvArray b, CvArray dst) =>
        NativeMethods.HandleException(NativeMethods.core_absdiff(a.Ptr, b.Ptr, dst.Ptr));

    public static void ThresholdBinary(CvArray src, CvArray dst, double threshold) =>
        NativeMethods.HandleException(NativeMethods.imgproc_threshold(src.Ptr, dst.Ptr, threshold, 255, (int)ThresholdTypes.Binary, out _));

    /// <summary>One dilation with the default 3×3 rectangle, like <c>cv2.dilate(img, None)</c>.</summary>
    public static void Dilate3(CvArray src, CvArray dst) =>
        NativeMethods.HandleException(NativeMethods.imgproc_dilate(src.Ptr, dst.Ptr, IntPtr.Zero, new Point(-1, -1), 1, (int)BorderTypes.Constant, MorphologyDefaultBorder));

    public static void Lut(CvArray src, CvArray lut, CvArray dst) =>
        NativeMethods.HandleException(NativeMethods.core_LUT(src.Ptr, lut.Ptr, dst.Ptr));

    public static void AccumulateWeighted(CvArray src, CvArray accumulator, double alpha) =>
        NativeMethods.HandleException(NativeMethods.imgproc_accumulateWeighted(src.Ptr, accumulator.Ptr, alpha, IntPtr.Zero));
}
