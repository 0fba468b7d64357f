namespace SmartCommunity.Gateway.Alerts.Engine;

/// <summary>
/// Cluster mode: what this engine tells the database about each batch so the row decides between gateways
/// (<see cref="AlertStore.WriteMerged"/>), and what it does when the row refuses its change.
/// </summary>
internal sealed partial class AlertEngine
{
    // The current batch, cluster mode: repeats folded per alert, alerts whose state or routing changed, the commands
    // that changed them (applied again if the row refuses), the escalation steps recorded as fired.
    private readonly Dictionary<string, int> _folds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stateChanged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<EngineCommand>> _stateCommands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _firedKeys = new(StringComparer.Ordinal);
    private EngineCommand? _current;

    /// <summary>A change that only folds a repeat in (count, last trigger, words, evidence) rather than changing state or routing.</summary>
    private static bool IsFold(Alert before, Alert after) =>
        before with
        {
            Count = after.Count,
            LastTriggerAt = after.LastTriggerAt,
            UpdatedAt = after.UpdatedAt,
            Title = after.Title,
            Text = after.Text,
            Area = after.Area,
            Evidence = after.Evidence,
        } == after;

    private void NoteChange(Alert? before, Alert after)
    {
        if (_leases is null || (before is not null && IsFold(before, after)))
        {
            return;
        }

        _stateChanged.Add(after.Id);
        if (_current is RaiseCommand or ClearCommand or AckCommand or ResolveByPersonCommand)
        {
            if (!_stateCommands.TryGetValue(after.Id, out var commands))
            {
                _stateCommands[after.Id] = commands = [];
            }

            if (!commands.Contains(_current))
            {
                commands.Add(_current);
            }
        }
    }

    private bool FireOnce(string key, string alertId)
    {
        if (!Read(() => _leases!.FireOnce(key), false, "an escalation step"))
        {
            return false;
        }

        _firedKeys[alertId] = key;
        return true;
    }

    /// <summary>Writes the batch through the row lock; refused changes are undone here before anyone hears of them.</summary>
    private void WriteMerged()
    {
        var result = _store.WriteMerged(_dirty.Values, _folds, _stateChanged, _history, _dirtySilences);
        foreach (var stale in result.Stale)
        {
            Forget(stale);
        }

        foreach (var stored in result.Stored)
        {
            // This engine's copy follows the row (other gateways' repeats, the new revision).
            if (stored.IsOpen && _openById.ContainsKey(stored.Id))
            {
                Adopt(stored);
            }

            if (_changes.TryGetValue(stored.Id, out var change))
            {
                _changes[stored.Id] = (change.Change, stored);
            }
        }

        foreach (var row in result.Conflicts)
        {
            Refused(row);
        }
    }

    /// <summary>
    /// Another gateway changed the alert first: this engine takes the row as it is, sends none of its refused
    /// change's notifications or live events, and applies the triggers, clears and people's commands behind it again
    /// on the row (their repeats may count twice: <c>count</c> is not exact across gateways). A refused escalation
    /// step is unrecorded, so whichever gateway holds the timers fires it from the row's own due time.
    /// </summary>
    private void Refused(Alert row)
    {
        _metrics.Conflicts.Inc();
        _logger.LogInformation("Alert {Id} was changed by another gateway first; this gateway's change is applied again on the stored copy", row.Id);
        Adopt(row);
        _outbox.RemoveAll(n => n.Alert.Id == row.Id);
        _changes.Remove(row.Id);
        if (_firedKeys.TryGetValue(row.Id, out var key))
        {
            Read(() => { _leases!.Unfire(key); return true; }, false, "an escalation step to forget");
        }

        if (_rules.Group(row.Type) is not null)
        {
            _timers.Enqueue(new TimerEntry(TimerKind.GroupQuiet, row.Id), _time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        foreach (var command in _stateCommands.GetValueOrDefault(row.Id) ?? [])
        {
            if (command is PersonCommand person)
            {
                _replies.RemoveAll(r => ReferenceEquals(r.Command, person));
            }

            if (!_queue.Writer.TryWrite(command))
            {
                _metrics.Dropped("queue_full").Inc();
                (command as PersonCommand)?.Reply.TrySetResult(new AlertCommandResult(AlertCommandStatus.Rejected, Error: "Busy; try again."));
            }
        }
    }

    private void ClearClusterBatch()
    {
        _folds.Clear();
        _stateChanged.Clear();
        _stateCommands.Clear();
        _firedKeys.Clear();
    }
}
