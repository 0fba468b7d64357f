using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Synthetic;

namespace SmartCommunity.Vision.Tests.Accuracy;

/// <summary>Exact counts on single-file clips made by the generator, through the real pipeline (motion, HOG,
/// tracker, lines, zones). The truth comes from the walkers' paths, and each test first checks it is not empty.</summary>
public sealed class GroundTruthCountingTests
{
    [Fact]
    public async Task PeopleWalkingThroughAShelterDoorOneAtATimeAreCountedExactlyWithTheDetector()
    {
        var scene = GroundTruthScenes.ShelterEntrance(walkersIn: 2, walkersOut: 1, brightnessJumps: false, seed: 11);
        using var hog = new HogPersonDetector();
        var line = Assert.Single((await GroundTruthScorer.RunAsync(scene, hog)).Lines);
        Assert.Equal((2, 1), (line.TrueIn, line.TrueOut));
        Assert.Equal((2L, 1L), (line.CountedIn, line.CountedOut));
        Assert.Equal(3, line.Matched); // Each counted crossing is a true one: same direction, within a second.
    }

    [Fact]
    public async Task PeopleLoiteringNearAMotionOnlyDoorCountOnlyWhenTheyStepOverAndBack()
    {
        var scene = GroundTruthScenes.Loiterers(people: 6, motionOnly: true);
        var line = Assert.Single((await GroundTruthScorer.RunAsync(scene, detector: null)).Lines);
        Assert.Equal((2, 2), (line.TrueIn, line.TrueOut)); // Two of six step 40 px over the line and back.
        Assert.True(line.Exact, $"counted {line.CountedIn} in / {line.CountedOut} out");
        Assert.Equal(4, line.Matched);
    }

    [Fact]
    public async Task AMotionOnlyDoorCountsEveryWalkerWithoutADetectorAcrossBrightnessJumps()
    {
        var scene = GroundTruthScenes.ShelterEntrance(walkersIn: 5, walkersOut: 3, brightnessJumps: true, motionOnly: true, seed: 12);
        var line = Assert.Single((await GroundTruthScorer.RunAsync(scene, detector: null)).Lines);
        Assert.Equal((5, 3), (line.TrueIn, line.TrueOut));
        Assert.True(line.Exact, $"counted {line.CountedIn} in / {line.CountedOut} out");
    }

    [Fact]
    public async Task WalkersEnteringThroughEveryEdgeOrCrossingCloseToOneAreCountedOnBothLines()
    {
        var score = await GroundTruthScorer.RunAsync(GroundTruthScenes.EveryEdge(motionOnly: true), detector: null);
        Assert.Equal(2, score.Lines.Count);
        Assert.All(score.Lines, l => Assert.True(l.TrueIn + l.TrueOut >= 4, $"{l.Line}: truth {l.TrueIn}/{l.TrueOut}"));
        Assert.All(score.Lines, l => Assert.True(l.Exact, $"{l.Line}: counted {l.CountedIn}/{l.CountedOut} of {l.TrueIn}/{l.TrueOut}"));
    }

    /// <summary>The target for crowded clips: at most 5 % count error, in and out together, on person lines
    /// (tracks from motion, HOG classifies them). The clips are the benchmark's: groups of 2–10 arriving together,
    /// crowds of 20 and 30 in lanes with a brightness step while they walk, 20 on paths that overlap in the picture.</summary>
    [Theory]
    [InlineData("groups")]
    [InlineData("crowd-20")]
    [InlineData("crowd-30")]
    [InlineData("crowd-20-overlapping")]
    public async Task CrowdedClipsAreCountedWithinFivePercentOfTheTruth(string clip)
    {
        var scene = clip switch
        {
            "groups" => GroundTruthScenes.Groups(),
            "crowd-20" => GroundTruthScenes.Crowd(20, seed: 4),
            "crowd-30" => GroundTruthScenes.Crowd(30, seed: 8),
            _ => GroundTruthScenes.Crowd(20, lanes: false, seed: 10),
        };
        using var hog = new HogPersonDetector();
        var line = Assert.Single((await GroundTruthScorer.RunAsync(scene, hog)).Lines);
        Assert.True(line.TrueIn >= 5 && line.TrueOut >= 5, $"truth {line.TrueIn}/{line.TrueOut}"); // Both ways, several each.
        Assert.True(line.CountError <= 0.05, $"counted {line.CountedIn}/{line.CountedOut} of {line.TrueIn}/{line.TrueOut}: {line.CountError:P1}");
        Assert.True(line.Recall >= 0.95, $"recall {line.Recall:0.00}"); // The counts are the right crossings, not errors that cancel out.
    }

    [Fact]
    public async Task ADoorWithAMotionOnlyLineCountsGroupsAndCrowdsInLanesWithinFivePercent()
    {
        foreach (var scene in new[] { GroundTruthScenes.Crowd(20, seed: 4), GroundTruthScenes.Crowd(30, seed: 8), GroundTruthScenes.Groups() })
        {
            var motionOnly = scene with { Lines = [GroundTruthScenes.Door(motionOnly: true)] };
            var line = Assert.Single((await GroundTruthScorer.RunAsync(motionOnly, detector: null)).Lines);
            Assert.True(line.TrueIn + line.TrueOut >= 20, $"{scene.Name}: truth {line.TrueIn}/{line.TrueOut}");
            Assert.True(line.CountError <= 0.05, $"{scene.Name}: counted {line.CountedIn}/{line.CountedOut} of {line.TrueIn}/{line.TrueOut}");
        }
    }

    [Fact]
    public async Task ABatherStandingInShimmeringWaterIsReportedOnceAndTheShimmerAloneNever()
    {
        using var hog = new HogPersonDetector();
        var bather = Assert.Single((await GroundTruthScorer.RunAsync(GroundTruthScenes.Beach(bathers: 1, strollers: 1, seed: 13), hog)).Zones);
        Assert.Equal(1, bather.TrueEntries);
        Assert.Equal(1, bather.Matched);
        Assert.Equal(0, bather.FalseEntries);

        using var hog2 = new HogPersonDetector();
        var empty = Assert.Single((await GroundTruthScorer.RunAsync(GroundTruthScenes.EmptyWater(frames: 80), hog2)).Zones);
        Assert.Equal(0, empty.FalseEntries);
    }
}
