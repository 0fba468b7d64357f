namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>State transitions: raise/update (dedup, grouping, inhibition, silences), acknowledge, resolve, cancel.</summary>
internal sealed partial class AlertEngine
{
    private void Apply(EngineCommand command)
    {
        switch (command)
        {
            case RaiseCommand raise:
                ApplyRaise(raise.Trigger, raise.At);
                break;
            case ClearCommand clear:
                if (OpenByKey(clear.Source, _rules.KeyType(clear.Type)) is { } open)
                {
                    Close(open, clear.Cancel ? AlertState.Cancelled : AlertState.Resolved, actor: null, clear.Reason, clear.At);
                }

                break;
            case AckCommand ack:
                _replies.Add((ack, ApplyAck(ack, _time.GetUtcNow())));
                break;
            case ResolveByPersonCommand resolve:
                _replies.Add((resolve, OpenById(resolve.AlertId) is { } alert
                    ? new AlertCommandResult(AlertCommandStatus.Done, Close(alert, AlertState.Resolved, resolve.PersonId, resolve.Note, _time.GetUtcNow()))
                    : new AlertCommandResult(AlertCommandStatus.NotOpen, Error: "The alert is not open.")));
                break;
            case SilenceCommand silence:
                _replies.Add((silence, ApplySilence(silence, _time.GetUtcNow())));
                break;
            case EndSilenceCommand end:
                _replies.Add((end, EndSilence(end.SilenceId, end.PersonId, _time.GetUtcNow())));
                break;
            case DeliveryCommand delivery:
                var r = delivery.Report;
                _history.Add(new AlertHistoryEntry(r.AlertId, r.At, "delivery", r.PersonId, r.Channel, r.Outcome, r.Detail));
                break;
            case RefreshCommand refresh:
                // An older revision than this engine's copy (relayed events from several gateways may cross) is not taken.
                if (System.Text.Json.JsonSerializer.Deserialize(refresh.LiveEventJson, AlertsJsonContext.Default.AlertLiveEvent)?.Alert is { } changed
                    && !_dirty.ContainsKey(changed.Id) && !(_openById.TryGetValue(changed.Id, out var mine) && mine.Revision > changed.Revision))
                {
                    if (changed.IsOpen)
                    {
                        Adopt(changed);
                    }
                    else
                    {
                        Forget(changed.Id);
                    }
                }

                break;
            case TickCommand:
                _armedFor = long.MaxValue; // The armed timer fired: re-arm for whatever is next.
                break;
        }
    }

    private void ApplyRaise(AlertTrigger trigger, DateTimeOffset at)
    {
        var type = _rules.KeyType(trigger.Type);
        var key = (trigger.Source.Kind, trigger.Source.Id, type);
        if (_openByKey.TryGetValue(key, out var open))
        {
            _metrics.Updated.Inc();
            _folds[open.Id] = _folds.GetValueOrDefault(open.Id) + 1;
            var updated = open with
            {
                Count = open.Count + 1,
                LastTriggerAt = at,
                UpdatedAt = at,
                Title = trigger.Title,
                Text = trigger.Text,
                Area = trigger.Area ?? open.Area,
                Evidence = trigger.Evidence.Count > 0 ? trigger.Evidence : open.Evidence,
            };
            // Only an amendment's new wording is news; a reading's changing figures are not (they would flood CAP consumers).
            var amended = trigger.Amendment && (trigger.Title != open.Title || trigger.Text != open.Text);
            if (trigger.Level > open.Level)
            {
                // Upward: people must know, now. An acknowledgement was given for the lower level, so the alert is
                // raised again and needs a fresh one; the ack clock restarts with the new level's (shorter) limit.
                updated = updated with { Level = trigger.Level, State = AlertState.Raised, AcknowledgedBy = null, AcknowledgedByName = null, AcknowledgedAt = null, Version = open.Version + 1 };
                _history.Add(new AlertHistoryEntry(open.Id, at, "level_raised", Detail: $"{AlertNames.Of(open.Level)} → {AlertNames.Of(trigger.Level)}"
                    + (open.State == AlertState.Acknowledged ? $"; acknowledgement by {open.AcknowledgedBy} was for {AlertNames.Of(open.Level)}, a new one is needed" : "")));
                if (!updated.IsMuted)
                {
                    updated = Route(updated, open.EscalationStep, "level_raised", at);
                }

                Put(open, updated, "level_raised");
            }
            else if (trigger.Level < open.Level && _rules.Group(type) is null)
            {
                // Downward: recorded, nobody is woken up; except when it ends a danger (orange/red → yellow/blue):
                // everyone who was told of the danger is told it is over. A group keeps the highest level it has seen.
                _history.Add(new AlertHistoryEntry(open.Id, at, "level_lowered", Detail: $"{AlertNames.Of(open.Level)} → {AlertNames.Of(trigger.Level)}"));
                var lowered = updated with { Level = trigger.Level, Version = open.Version + 1 };
                if (IsDanger(open.Level) && !IsDanger(trigger.Level))
                {
                    lowered = Inform(lowered, "level_lowered", except: null, at);
                }
                else if (amended)
                {
                    lowered = Inform(lowered, "amended", except: null, at);
                }

                Put(open, lowered, "updated");
            }
            else if (amended)
            {
                // Same level, new content: a new version (CAP Update), and the people told before hear the new text.
                // An acknowledgement stands: it was for this danger at this level.
                _history.Add(new AlertHistoryEntry(open.Id, at, "amended", Detail: trigger.Text.En));
                Put(open, Inform(updated with { Version = open.Version + 1 }, "amended", except: null, at), "updated");
            }
            else
            {
                Put(open, updated, "updated");
            }

            return;
        }

        var alert = new Alert(Guid.CreateVersion7(at).ToString("N"), trigger.Source, type, trigger.Level, AlertState.Raised, trigger.CellId, trigger.Area,
            trigger.Title, trigger.Text, trigger.Evidence, trigger.Category, 1, at, at, at, null, null, null, null, null, 0, null, null, false, 1, 0);
        if (Claim(alert) is { } existing)
        {
            // Another gateway raised it first: this trigger is a repeat of that alert, which this one now tracks too.
            _metrics.Adopted.Inc();
            Adopt(existing);
            ApplyRaise(trigger, at);
            return;
        }

        _metrics.Raised.Inc();
        _history.Add(new AlertHistoryEntry(alert.Id, at, "raised", Detail: $"{AlertNames.Of(alert.Level)} {type} from {trigger.Source}" + (type != trigger.Type ? $" (group of {trigger.Type})" : "")));
        foreach (var inhibitor in _rules.MutedBy(type))
        {
            if (_openByKey.TryGetValue((trigger.Source.Kind, trigger.Source.Id, inhibitor), out var by))
            {
                alert = alert with { InhibitedBy = by.Id };
                _metrics.Inhibited.Inc();
                _history.Add(new AlertHistoryEntry(alert.Id, at, "inhibited", Detail: $"muted while {by.Type} ({by.Id}) is open"));
                break;
            }
        }

        if (_silences.FirstOrDefault(s => s.Matches(trigger.Source, type, at)) is { } silence)
        {
            alert = alert with { Silenced = true };
            _metrics.Silenced.Inc();
            _history.Add(new AlertHistoryEntry(alert.Id, at, "silenced", silence.CreatedBy, Detail: $"silence {silence.Id} until {silence.EndsAt:O}: {silence.Reason}"));
        }

        if (!alert.IsMuted)
        {
            alert = Route(alert, 0, "responsible", at);
        }

        Put(null, alert, "raised");
        MuteTargetsOf(alert, at);
    }

    /// <summary>
    /// The database decides whether this alert is new (<see cref="AlertStore.ClaimOpen"/>), not this engine's
    /// dictionary, which only knows what this gateway has seen. When the database cannot be reached the alert is
    /// raised on this gateway's word alone (people must still be told) and the failure counted.
    /// </summary>
    private Alert? Claim(Alert alert)
    {
        try
        {
            return _store.ClaimOpen(alert);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _metrics.StoreErrors.Inc();
            _logger.LogWarning(ex, "Could not check the database for an open {Type} alert of {Source}; raising it here", alert.Type, alert.Source);
            return null;
        }
    }

    /// <summary>
    /// The open alert of a (source, type), for a clear. One gateway: its own indexes. Several: the database's
    /// (another gateway may have raised it, or closed the one this gateway knows).
    /// </summary>
    private Alert? OpenByKey(AlertSource source, string type)
    {
        _openByKey.TryGetValue((source.Kind, source.Id, type), out var open);
        if (_leases is null)
        {
            return open;
        }

        if (open is not null)
        {
            return Fresh(open);
        }

        var stored = Read(() => _store.OpenByKey(source.Kind, source.Id, type), null, "an open alert");
        if (stored is not null)
        {
            Adopt(stored);
        }

        return stored;
    }

    /// <summary>An open alert by ID, for a person's command: with several gateways, read from the database.</summary>
    private Alert? OpenById(string id)
    {
        _openById.TryGetValue(id, out var open);
        if (_leases is null)
        {
            return open;
        }

        if (open is not null)
        {
            return Fresh(open);
        }

        var stored = Read(() => _store.Get(id), null, "an alert");
        if (stored is not { IsOpen: true })
        {
            return null;
        }

        Adopt(stored);
        return stored;
    }

    /// <summary>
    /// A cluster-mode read; while the database cannot be reached the engine goes on with its own copy (or none)
    /// rather than losing the command, and counts it. The lease lapses meanwhile, so no timer runs on a stale copy for long.
    /// </summary>
    private T Read<T>(Func<T> read, T fallback, string what)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            _metrics.StoreErrors.Inc();
            _logger.LogWarning("Could not read {What} from the database; going on with this gateway's copy: {Error}", what, ex.Message);
            return fallback;
        }
    }

    /// <summary>Takes an open alert from the database into this engine's indexes and timers (raised by another gateway).</summary>
    private void Adopt(Alert alert)
    {
        if (_openById.TryGetValue(alert.Id, out var known))
        {
            Track(known, alert);
        }
        else
        {
            Track(null, alert);
        }

        _openById[alert.Id] = alert;
        _openByKey[(alert.Source.Kind, alert.Source.Id, alert.Type)] = alert;
        ScheduleFor(known, alert);
    }

    private AlertCommandResult ApplyAck(AckCommand ack, DateTimeOffset at)
    {
        // A terminal may acknowledge the alert or one notification of it ("{alertId}-{n}").
        var dash = ack.AlertOrNotificationId.IndexOf('-', StringComparison.Ordinal);
        var id = dash > 0 ? ack.AlertOrNotificationId[..dash] : ack.AlertOrNotificationId;
        if (OpenById(id) is not { } alert)
        {
            return new AlertCommandResult(AlertCommandStatus.NotOpen, Error: "The alert is not open (resolved, cancelled or unknown).");
        }

        if (ack.CheckVisibility && !MayAct(ack.PersonId, alert))
        {
            return new AlertCommandResult(AlertCommandStatus.Rejected, Error: "Not responsible for this alert's cell.");
        }

        if (alert.State == AlertState.Acknowledged)
        {
            return new AlertCommandResult(AlertCommandStatus.Done, alert);
        }

        var acked = alert with
        {
            State = AlertState.Acknowledged, AcknowledgedBy = ack.PersonId, AcknowledgedByName = _grid.Snapshot.PersonById(ack.PersonId)?.Name,
            AcknowledgedAt = at, NextEscalationAt = null, UpdatedAt = at, Version = alert.Version + 1,
        };
        _metrics.Acknowledged.Inc();
        _history.Add(new AlertHistoryEntry(alert.Id, at, "acknowledged", ack.PersonId, ack.Via, Detail: ack.Note));
        Put(alert, acked, "acknowledged");
        return new AlertCommandResult(AlertCommandStatus.Done, acked);
    }

    private bool MayAct(string personId, Alert alert)
    {
        var snapshot = _grid.Snapshot;
        return snapshot.PersonById(personId) is { Enabled: true } person
            && (Grid.Roles.StaffRoles.Contains(person.Role) || (alert.CellId is not null && snapshot.VisibleCells(person).Contains(alert.CellId)));
    }

    private Alert Close(Alert alert, AlertState state, string? actor, string note, DateTimeOffset at)
    {
        var closed = alert with { State = state, ResolvedAt = at, ResolvedBy = actor, ResolutionNote = note, NextEscalationAt = null, UpdatedAt = at, Version = alert.Version + 1 };
        (state == AlertState.Cancelled ? _metrics.Cancelled : _metrics.Resolved).Inc();
        _history.Add(new AlertHistoryEntry(alert.Id, at, state == AlertState.Cancelled ? "cancelled" : "resolved", actor ?? "condition", Detail: note));
        // Whoever was told of the alert is told it is over, on the same channels (the one who closed it knows).
        closed = Inform(closed, state == AlertState.Cancelled ? "cancelled" : "resolved", actor, at);
        Put(alert, closed, state == AlertState.Cancelled ? "cancelled" : "resolved");
        ReleaseTargetsOf(closed, at);
        return closed;
    }

    /// <summary>A new alert that inhibits others mutes the open ones of the same source and stops their escalation.</summary>
    private void MuteTargetsOf(Alert inhibitor, DateTimeOffset at)
    {
        foreach (var target in _rules.Mutes(inhibitor.Type))
        {
            if (_openByKey.TryGetValue((inhibitor.Source.Kind, inhibitor.Source.Id, target), out var muted) && muted.InhibitedBy is null)
            {
                _metrics.Inhibited.Inc();
                _history.Add(new AlertHistoryEntry(muted.Id, at, "inhibited", Detail: $"muted while {inhibitor.Type} ({inhibitor.Id}) is open"));
                Put(muted, muted with { InhibitedBy = inhibitor.Id, NextEscalationAt = null, UpdatedAt = at }, "muted");
            }
        }
    }

    /// <summary>When the inhibitor closes, what it muted is routed again from the first tier (unless acknowledged or silenced).</summary>
    private void ReleaseTargetsOf(Alert inhibitor, DateTimeOffset at)
    {
        foreach (var target in _rules.Mutes(inhibitor.Type))
        {
            if (_openByKey.TryGetValue((inhibitor.Source.Kind, inhibitor.Source.Id, target), out var muted) && muted.InhibitedBy == inhibitor.Id)
            {
                _history.Add(new AlertHistoryEntry(muted.Id, at, "uninhibited", Detail: $"{inhibitor.Type} ({inhibitor.Id}) closed"));
                var released = muted with { InhibitedBy = null, UpdatedAt = at };
                if (released.State == AlertState.Raised && !released.Silenced)
                {
                    released = Route(released, 0, "responsible", at);
                }

                Put(muted, released, "unmuted");
            }
        }
    }
}
