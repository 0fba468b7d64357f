namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>Work for the counting loop: a counted event or a staff command.</summary>
internal abstract record CountingWork;

/// <summary>One passage or line crossing, identified by (device, boot, seq), at device time <see cref="Ts"/>.</summary>
internal sealed record CountEvent(string DeviceId, long Boot, long Seq, long Ts, string ShelterId, string EntranceId, string Source, long PeopleIn, long PeopleOut) : CountingWork;

/// <summary>A manual headcount by staff: the shelter holds <see cref="Occupants"/> people now.</summary>
internal sealed record HeadcountCommand(string ShelterId, long Occupants, string Actor, string? Note) : CountingWork
{
    public TaskCompletionSource<ShelterOccupancy?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Completes when everything queued before it has been stored (tests, benchmarks, a clean stop).</summary>
internal sealed record FlushCommand : CountingWork
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
