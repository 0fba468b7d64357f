using SmartCommunity.Gateway.Shelters;
using SmartCommunity.Gateway.Shelters.Occupancy;

namespace SmartCommunity.Gateway.Tests.Shelters;

/// <summary>The pure rules: fusion by device time, thresholds with hysteresis, redirect by distance and free places.</summary>
public sealed class FusionAndThresholdUnitTests
{
    private const string Primary = "door:d1/main";
    private const string Fallback = "line:cam/gate";

    [Fact]
    public void OnlyTheResponsibleSourceCountsAndABackfilledPrimaryIsNotCountedTwiceForTheFallbackSpan()
    {
        var fusion = new EntranceFusion { Active = Primary };
        Assert.True(fusion.Apply(Primary, Primary, 1_000, 1, 0));
        Assert.False(fusion.Apply(Fallback, Primary, 1_000, 1, 0)); // seen by both: counted once
        var span = fusion.SwitchToFallback(Fallback, Primary, 2_000, "primary silent");
        Assert.Equal(2_000, span.FromMs);
        Assert.True(fusion.Apply(Fallback, Primary, 2_500, 1, 0));
        fusion.SwitchToPrimary(Primary, 5_000);
        // The primary's backlog for the span arrives late: the fallback already counted those people.
        Assert.False(fusion.Apply(Primary, Primary, 2_500, 1, 0));
        // A late fallback event inside its span still counts; after the span it does not.
        Assert.True(fusion.Apply(Fallback, Primary, 4_999, 0, 1));
        Assert.False(fusion.Apply(Fallback, Primary, 5_000, 1, 0));
        Assert.True(fusion.Apply(Primary, Primary, 5_000, 1, 0));
        Assert.Equal((3L, 1L), (fusion.In, fusion.Out));
        Assert.Equal(Primary, fusion.Active);
        Assert.Equal(5_000, fusion.Spans.Single().ToMs);
    }

    [Fact]
    public void AFallbackSpanNeverReachesBackOverEventsThePrimaryAlreadyCounted()
    {
        var fusion = new EntranceFusion { Active = Primary };
        fusion.Apply(Primary, Primary, 10_000, 1, 0);
        var span = fusion.SwitchToFallback(Fallback, Primary, 9_000, "silent");
        Assert.Equal(10_001, span.FromMs);
    }

    [Fact]
    public void FallbackEventsWithinTheMatchWindowOfThePrimarysLastPassageAreTakenForTheSamePeople()
    {
        var fusion = new EntranceFusion { Active = Primary };
        fusion.Apply(Primary, Primary, 10_000, 1, 0);
        fusion.Apply(Fallback, Primary, 10_400, 1, 0); // the camera sees the same person 0.4 s later
        var span = fusion.SwitchToFallback(Fallback, Primary, 10_001, "silent", matchWindowMs: 3_000);
        Assert.Equal(13_000, span.FromMs);
        Assert.False(span.Contains(10_400));
        Assert.True(fusion.Apply(Fallback, Primary, 13_500, 1, 0));
        Assert.Equal(2, fusion.In);
    }

    [Fact]
    public void DriftIsMeasuredOnlyWhereBothSourcesCounted()
    {
        var fusion = new EntranceFusion { Active = Primary };
        fusion.Apply(Primary, Primary, 1_000, 10, 2);
        fusion.Apply(Fallback, Primary, 1_000, 8, 2);
        fusion.SwitchToFallback(Fallback, Primary, 2_000, "silent");
        fusion.Apply(Fallback, Primary, 3_000, 50, 0);
        Assert.Equal(8, fusion.Tally(Fallback).ComparableIn);
        Assert.Equal(58, fusion.Tally(Fallback).In);
        Assert.Equal(10, fusion.Tally(Primary).ComparableIn);
    }

    [Fact]
    public void ThresholdsRiseAtTheirShareAndClearOnlyBelowTheMargin()
    {
        var raised = new HashSet<string>(StringComparer.Ordinal);
        Assert.Equal(["shelter_80"], ThresholdLadder.Evaluate(16, 20, 0.05, raised).Where(c => c.Raised).Select(c => c.Threshold.AlertType));
        Assert.Empty(ThresholdLadder.Evaluate(15, 20, 0.05, raised)); // 75 %: inside the band, nothing changes
        Assert.Empty(ThresholdLadder.Evaluate(16, 20, 0.05, raised)); // back up: no second raise
        var cleared = ThresholdLadder.Evaluate(14, 20, 0.05, raised);
        Assert.Equal("shelter_80", Assert.Single(cleared).Threshold.AlertType);
        Assert.False(cleared[0].Raised);
        Assert.Equal(3, ThresholdLadder.Evaluate(20, 20, 0.05, raised).Count(c => c.Raised));
        Assert.Equal(["shelter_80", "shelter_95", "shelter_full"], raised.Order(StringComparer.Ordinal));
        Assert.Empty(ThresholdLadder.Evaluate(19, 20, 0.05, raised)); // 95 %: full stays up until below 95 %
        Assert.Equal(["shelter_full"], ThresholdLadder.Evaluate(18, 20, 0.05, raised).Select(c => c.Threshold.AlertType));
    }

    [Fact]
    public void AShelterWithoutPlacesIsFullAsSoonAsAnyoneIsInside()
    {
        var raised = new HashSet<string>(StringComparer.Ordinal);
        Assert.Empty(ThresholdLadder.Evaluate(0, 0, 0.05, raised));
        Assert.Equal(3, ThresholdLadder.Evaluate(1, 0, 0.05, raised).Count);
    }

    [Fact]
    public void RedirectNamesTheNearestOpenSheltersWithEnoughFreePlaces()
    {
        Shelter At(string id, double lat, int capacity, bool open = true) =>
            new(id, id, ShelterClass.Fixed, DurationClass.III, capacity * 2, 2, capacity, capacity, lat, 112.97, "c1", [], open, null, null);
        var shelters = new[] { At("near-full", 28.191, 10), At("near-closed", 28.1905, 100, open: false), At("mid", 28.20, 50), At("far", 28.25, 500), At("origin", 28.19, 10) };
        var occupancy = new Dictionary<string, long> { ["near-full"] = 10, ["mid"] = 45 };
        ShelterOccupancy? Of(string id) => new(id, "c1", true, occupancy.GetValueOrDefault(id), 0, 0, 0, 0, 0, [], [], null, null, DateTimeOffset.UnixEpoch);

        var any = ShelterSuggestions.Nearest(shelters, Of, 28.19, 112.97, "origin", 3);
        Assert.Equal(["mid", "far"], any.Select(s => s.ShelterId));
        Assert.Equal(5, any[0].Free);
        Assert.InRange(any[0].DistanceKm, 1.10, 1.13); // 0.01° of latitude ≈ 1.11 km

        var group = ShelterSuggestions.Nearest(shelters, Of, 28.19, 112.97, "origin", 3, people: 20);
        Assert.Equal(["far"], group.Select(s => s.ShelterId));
    }
}
