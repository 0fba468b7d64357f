using SmartCommunity.Gateway.Alerts.Delivery;
using SmartCommunity.Gateway.Cluster;

namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>Routing, escalation timers, silences, and the bookkeeping every change goes through (<see cref="Put"/>).</summary>
internal sealed partial class AlertEngine
{
    /// <summary>Notifies the tier at <paramref name="step"/> (the top tier again when past it) and starts its ack clock.</summary>
    private Alert Route(Alert alert, int step, string reason, DateTimeOffset at)
    {
        var tiers = _router.Tiers(alert.CellId);
        if (tiers.Count == 0)
        {
            _metrics.Unrouted.Inc();
            _history.Add(new AlertHistoryEntry(alert.Id, at, "unrouted", Detail: $"nobody is responsible for cell '{alert.CellId}' and no top-tier staff exist"));
            return alert with { NextEscalationAt = null };
        }

        step = Math.Min(step, tiers.Count - 1);
        var tier = tiers[step];
        var sent = alert.Notifications;
        foreach (var person in tier.People)
        {
            sent++;
            var notification = new AlertNotification($"{alert.Id}-{sent}", alert, person, reason, at);
            _outbox.Add(notification);
            _history.Add(new AlertHistoryEntry(alert.Id, at, "notified", person.Id, Detail: $"{reason}: {tier.Duty} of {tier.CellId ?? "the community"} ({notification.Id})"));
        }

        var limit = _options.AckTimeout(alert.Level, _router.Snapshot.PathToRoot(alert.CellId));
        return alert with
        {
            EscalationStep = step,
            Notifications = sent,
            NextEscalationAt = alert.State == AlertState.Raised ? at + limit : null,
        };
    }

    /// <summary>Orange (II) and red (I) are the levels that call for action now; leaving them ends a danger.</summary>
    private static bool IsDanger(AlertLevel level) => level >= AlertLevel.Orange;

    /// <summary>
    /// Tells everyone already notified of the alert about a change that needs no acknowledgement (cancelled,
    /// resolved, a danger over), through every channel that reached them: escalation climbs one tier at a time,
    /// so that is tiers 0 to <see cref="Alert.EscalationStep"/>. An alert that notified nobody (muted) informs nobody.
    /// </summary>
    private Alert Inform(Alert alert, string reason, string? except, DateTimeOffset at)
    {
        if (alert.Notifications == 0)
        {
            return alert;
        }

        var tiers = _router.Tiers(alert.CellId);
        var sent = alert.Notifications;
        var told = new HashSet<string>(StringComparer.Ordinal);
        for (var step = 0; step <= Math.Min(alert.EscalationStep, tiers.Count - 1); step++)
        {
            foreach (var person in tiers[step].People)
            {
                if (person.Id == except || !told.Add(person.Id))
                {
                    continue;
                }

                sent++;
                var notification = new AlertNotification($"{alert.Id}-{sent}", alert, person, reason, at);
                _outbox.Add(notification);
                _history.Add(new AlertHistoryEntry(alert.Id, at, "informed", person.Id, Detail: $"{reason} ({notification.Id})"));
            }
        }

        return alert with { Notifications = sent };
    }

    /// <summary>No acknowledgement in time: one duty level up, or the top tier again when there is none above.</summary>
    private void Escalate(Alert alert, DateTimeOffset at)
    {
        var tiers = _router.Tiers(alert.CellId);
        if (tiers.Count == 0)
        {
            Put(alert, Route(alert, 0, "escalated", at), "escalated"); // Should be rare: the grid lost everyone; recorded as unrouted.
            return;
        }

        var next = alert.EscalationStep + 1;
        var top = next >= tiers.Count;
        _metrics.Escalations.Inc();
        _history.Add(new AlertHistoryEntry(alert.Id, at, "escalated",
            Detail: top ? $"not acknowledged; top of the chain, notifying {tiers[^1].Duty} again" : $"not acknowledged; {tiers[Math.Min(alert.EscalationStep, tiers.Count - 1)].Duty} → {tiers[next].Duty}"));
        Put(alert, Route(alert with { UpdatedAt = at }, next, "escalated", at), "escalated");
    }

    private void ProcessDueTimers(DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var holder = _leases?.Holds(ClusterLeases.Timers) ?? true;
        if (_leases is not null && holder)
        {
            CatchUp(nowMs);
        }

        while (_timers.TryPeek(out var entry, out var due) && due <= nowMs)
        {
            _timers.Dequeue();
            if (entry.Kind == TimerKind.SilenceEnd)
            {
                SilenceEnded(entry.Id, now);
                continue;
            }

            if (!_openById.TryGetValue(entry.Id, out var alert) || !holder)
            {
                continue; // Closed since (lazy deletion), or another gateway holds the timers (it finds them in the database).
            }

            if (_leases is not null)
            {
                // Another gateway may have acknowledged or closed it since this one last saw it: act on the database's copy.
                if (Fresh(alert) is not { } fresh)
                {
                    continue;
                }

                alert = fresh;
            }

            if (entry.Kind == TimerKind.Escalate)
            {
                if (alert is { State: AlertState.Raised, IsMuted: false, NextEscalationAt: { } next } && next.ToUnixTimeMilliseconds() <= nowMs
                    && (_leases is null || FireOnce($"escalate:{alert.Id}:{next.ToUnixTimeMilliseconds()}", alert.Id)))
                {
                    Escalate(alert, now);
                }
            }
            else if (_rules.Group(alert.Type) is { } group)
            {
                var quietAt = alert.LastTriggerAt + group.QuietWindow;
                if (quietAt <= now)
                {
                    Close(alert, AlertState.Resolved, actor: null, $"burst over: quiet for {group.QuietWindow}", now);
                }
                else
                {
                    _timers.Enqueue(entry, quietAt.ToUnixTimeMilliseconds());
                }
            }
        }
    }

    /// <summary>
    /// Cluster mode, on the lease holder: alerts whose escalation fell due, whichever gateway raised them (or while no
    /// gateway held the lease), are taken into this engine and queued to fire now; <see cref="ClusterLeases.FireOnce"/>
    /// keeps a step that another holder already fired from firing again.
    /// </summary>
    private void CatchUp(long nowMs)
    {
        foreach (var due in Read(() => _store.DueEscalations(nowMs), [], "due escalations"))
        {
            if (_dirty.ContainsKey(due.Id))
            {
                continue; // This engine's own change is newer than the row.
            }

            Adopt(due);
            _timers.Enqueue(new TimerEntry(TimerKind.Escalate, due.Id), due.NextEscalationAt!.Value.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>The database's copy of an open alert (taken into this engine), or null when it closed elsewhere (forgotten here).</summary>
    private Alert? Fresh(Alert alert)
    {
        if (_dirty.ContainsKey(alert.Id))
        {
            return alert; // Not stored yet: this engine's copy is the newest.
        }

        var stored = Read(() => _store.Get(alert.Id), alert, "an alert");
        if (stored is not { IsOpen: true })
        {
            Forget(alert.Id);
            return null;
        }

        Adopt(stored);
        return stored;
    }

    /// <summary>Drops an alert this engine thought open but another gateway closed (its row would not take our update).</summary>
    private void Forget(string id)
    {
        if (_openById.Remove(id, out var alert))
        {
            _openByKey.Remove((alert.Source.Kind, alert.Source.Id, alert.Type));
            Track(alert, alert with { State = AlertState.Resolved });
        }
    }

    /// <summary>Every change goes through here: open indexes, the batch to store, timers, gauges, live events.</summary>
    private void Put(Alert? before, Alert after, string change)
    {
        if (after.IsOpen)
        {
            _openById[after.Id] = after;
            _openByKey[(after.Source.Kind, after.Source.Id, after.Type)] = after;
        }
        else
        {
            _openById.Remove(after.Id);
            _openByKey.Remove((after.Source.Kind, after.Source.Id, after.Type));
        }

        _dirty[after.Id] = after;
        NoteChange(before, after);
        Track(before, after);
        ScheduleFor(before, after);
        // Repeats only refresh the alert; a significant change in the same batch keeps its name.
        _changes[after.Id] = change == "updated" && _changes.TryGetValue(after.Id, out var earlier) ? (earlier.Change, after) : (change, after);
    }

    private void ScheduleFor(Alert? before, Alert after)
    {
        if (after.NextEscalationAt is { } next && next != before?.NextEscalationAt)
        {
            _timers.Enqueue(new TimerEntry(TimerKind.Escalate, after.Id), next.ToUnixTimeMilliseconds());
        }

        if (before is null && after.IsOpen && _rules.Group(after.Type) is { } group)
        {
            _timers.Enqueue(new TimerEntry(TimerKind.GroupQuiet, after.Id), (after.LastTriggerAt + group.QuietWindow).ToUnixTimeMilliseconds());
        }
    }

    private void Track(Alert? before, Alert after)
    {
        if (before is { IsOpen: true })
        {
            Interlocked.Decrement(ref _openByLevel[(int)before.Level]);
        }

        if (after.IsOpen)
        {
            Interlocked.Increment(ref _openByLevel[(int)after.Level]);
        }
    }

    private AlertCommandResult ApplySilence(SilenceCommand command, DateTimeOffset at)
    {
        var silence = new AlertSilence(Guid.CreateVersion7(at).ToString("N"), command.Source, command.Type, at, at + command.Duration, command.Reason, command.PersonId);
        _silences.Add(silence);
        _dirtySilences.Add(silence);
        _timers.Enqueue(new TimerEntry(TimerKind.SilenceEnd, silence.Id), silence.EndsAt.ToUnixTimeMilliseconds());
        foreach (var alert in _openById.Values.Where(a => !a.Silenced && silence.Matches(a.Source, a.Type, at)).ToList())
        {
            _metrics.Silenced.Inc();
            _history.Add(new AlertHistoryEntry(alert.Id, at, "silenced", command.PersonId, Detail: $"silence {silence.Id} until {silence.EndsAt:O}: {silence.Reason}"));
            Put(alert, alert with { Silenced = true, NextEscalationAt = null, UpdatedAt = at }, "muted");
        }

        _logger.LogInformation("{Person} silenced {Source} {Type} for {Duration}: {Reason}", command.PersonId, command.Source, command.Type ?? "(all types)", command.Duration, command.Reason);
        return new AlertCommandResult(AlertCommandStatus.Done) { Silence = silence };
    }

    private AlertCommandResult EndSilence(string id, string personId, DateTimeOffset at)
    {
        if (id.Length == 0)
        {
            return new AlertCommandResult(AlertCommandStatus.Done); // A flush marker.
        }

        var index = _silences.FindIndex(s => s.Id == id);
        if (index < 0)
        {
            return AlertCommandResult.NotFound;
        }

        _dirtySilences.Add(_silences[index] with { EndedEarlyAt = at, EndedBy = personId });
        SilenceEnded(id, at);
        return new AlertCommandResult(AlertCommandStatus.Done);
    }

    /// <summary>Alerts muted only by this silence are routed from the first tier, as Alertmanager notifies after a silence expires.</summary>
    private void SilenceEnded(string id, DateTimeOffset at)
    {
        var index = _silences.FindIndex(s => s.Id == id);
        if (index < 0)
        {
            return;
        }

        _silences.RemoveAt(index);
        foreach (var alert in _openById.Values.Where(a => a.Silenced).ToList())
        {
            if (_silences.Any(s => s.Matches(alert.Source, alert.Type, at)))
            {
                continue;
            }

            _history.Add(new AlertHistoryEntry(alert.Id, at, "unsilenced", Detail: $"silence {id} ended"));
            var released = alert with { Silenced = false, UpdatedAt = at };
            if (released is { State: AlertState.Raised, InhibitedBy: null })
            {
                released = Route(released, 0, "responsible", at);
            }

            Put(alert, released, "unmuted");
        }
    }
}
