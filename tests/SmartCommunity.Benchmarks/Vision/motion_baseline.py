#!/usr/bin/python3
"""Baseline for the vision-motion benchmark: the same motion algorithm as
gateway/SmartCommunity.Vision/Motion/MotionDetector.cs, in Python OpenCV the way Frigate writes it.

Reads raw 8-bit grey frames (width x height, concatenated) and runs the detector over them, pass after pass, for
at least `seconds` of this thread's CPU time on one OpenCV thread (after one warm-up pass). Prints one JSON line: frames, seconds, fps, motion_frames (frames with at least one region), so the
C# side can check both implementations agree before comparing speed.

Run with Debian's interpreter (python3-opencv): /usr/bin/python3 motion_baseline.py FILE WIDTH HEIGHT SECONDS
"""
import json
import sys
import time

import cv2
import numpy as np


class MotionDetector:
    # Defaults as in MotionOptions: Frigate's improved motion detector.
    def __init__(self, width, height, frame_height=100, threshold=30, contour_area=10, frame_alpha=0.01,
                 calibration_alpha=0.2, lightning_threshold=0.8, history=50, min_calibration_frames=10):
        self.scale = min(frame_height, height) / height
        self.size = (max(1, round(width * self.scale)), min(frame_height, height))  # (w, h) for cv2.resize
        self.threshold = threshold
        self.contour_area = contour_area
        self.frame_alpha = frame_alpha
        self.calibration_alpha = calibration_alpha
        self.lightning_threshold = lightning_threshold
        self.min_calibration_frames = min_calibration_frames
        self.contrast = np.zeros((history, 2), np.float64)
        self.contrast_index = 0
        self.restart_contrast = True
        self.calibrating = True
        self.calibration_frames = 0
        self.motion_frames = 0
        self.avg = None
        self.pixels = self.size[0] * self.size[1]

    def _percentiles(self, small):
        # Same rank rule as the C# histogram walk: first value whose cumulative count exceeds the rank.
        cumulative = np.cumsum(np.bincount(small.ravel(), minlength=256))
        low = int(np.searchsorted(cumulative, int(0.04 * (self.pixels - 1)), side="right"))
        high = int(np.searchsorted(cumulative, int(0.96 * (self.pixels - 1)), side="right"))
        return low, high

    def detect(self, gray):
        small = cv2.resize(gray, self.size, interpolation=cv2.INTER_LINEAR)
        low, high = self._percentiles(small)
        if low < high:
            if self.restart_contrast:
                self.contrast[:] = (low, high)
                self.restart_contrast = False
            self.contrast[self.contrast_index] = (low, high)
            self.contrast_index = (self.contrast_index + 1) % len(self.contrast)
            mn, mx = self.contrast.mean(axis=0)
            values = np.arange(256, dtype=np.float64)
            lut = ((np.clip(values, mn, mx) - mn) / (mx - mn) * 255).astype(np.uint8)
            small = cv2.LUT(small, lut)
        small = cv2.GaussianBlur(small, (3, 3), 0)
        if self.avg is None:
            self.avg = small.astype(np.float32)
        delta = cv2.absdiff(small, cv2.convertScaleAbs(self.avg))
        mask = cv2.threshold(delta, self.threshold, 255, cv2.THRESH_BINARY)[1]
        mask = cv2.dilate(mask, None, iterations=1)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        boxes = []
        changed = 0
        for i in range(1, count):
            x, y, w, h, area = stats[i]
            changed += area
            if area > self.contour_area:
                boxes.append((int(x / self.scale), int(y / self.scale), int(w / self.scale), int(h / self.scale)))
        fraction = changed / self.pixels
        if self.calibrating:
            self.calibration_frames += 1
            if self.calibration_frames >= self.min_calibration_frames and fraction < 0.05 and len(boxes) <= 4:
                self.calibrating = False
        if fraction > self.lightning_threshold:
            self.calibrating = True
            self.calibration_frames = 0
            self.restart_contrast = True
        if self.calibrating:
            self.motion_frames = 0
            boxes = []
            cv2.accumulateWeighted(small, self.avg, self.calibration_alpha)
        elif boxes:
            self.motion_frames += 1
            if self.motion_frames >= 10:
                cv2.accumulateWeighted(small, self.avg, self.frame_alpha)
        else:
            self.motion_frames = 0
            cv2.accumulateWeighted(small, self.avg, self.frame_alpha)
        return boxes


def main():
    path, width, height, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    cv2.setNumThreads(1)  # One core, like the C# side.
    data = np.fromfile(path, dtype=np.uint8)
    frames = data.reshape(-1, height, width)
    detector = MotionDetector(width, height)
    motion_frames = 0
    for frame in frames:  # Warm-up pass, also the agreement check.
        motion_frames += 1 if detector.detect(frame) else 0
    detector = MotionDetector(width, height)
    # CPU time of this thread (OpenCV runs on it alone): the machine is shared, wall time would measure the load.
    start = time.thread_time()
    total = 0
    while time.thread_time() - start < seconds:
        for frame in frames:
            detector.detect(frame)
        total += len(frames)
    elapsed = time.thread_time() - start
    print(json.dumps({"frames": total, "seconds": elapsed, "fps": total / elapsed, "motion_frames": motion_frames}))


if __name__ == "__main__":
    main()
