using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Relay.Cluster.Tests.Azure;

/// <summary>Holds a state larger than an Azure Table entity may be, in Relay's large-state storage.</summary>
[Alias("relay.tests.large-state-probe")]
public interface ILargeStateProbeGrain : IGrainWithStringKey
{
    /// <summary>Stores the text.</summary>
    Task SetAsync(string text);

    /// <summary>The stored text.</summary>
    Task<string> GetAsync();
}

/// <inheritdoc cref="ILargeStateProbeGrain"/>
public sealed class LargeStateProbeGrain([PersistentState("probe", RelayStorage.Large)] IPersistentState<ProbeState> state) : Grain, ILargeStateProbeGrain
{
    async Task ILargeStateProbeGrain.SetAsync(string text)
    {
        state.State.Text = text;
        await state.WriteStateAsync();
    }

    Task<string> ILargeStateProbeGrain.GetAsync() => Task.FromResult(state.State.Text);
}

/// <summary>The probe's state.</summary>
[GenerateSerializer, Alias("relay.tests.probe-state")]
public sealed class ProbeState
{
    /// <summary>The text.</summary>
    [Id(0)]
    public string Text { get; set; } = "";
}

/// <summary>Registers a reminder that records each tick in <see cref="Ticks"/>.</summary>
[Alias("relay.tests.reminder-probe")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder, first due after <paramref name="due"/>.</summary>
    Task RegisterAsync(TimeSpan due);
}

/// <inheritdoc cref="IReminderProbeGrain"/>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    /// <summary>Ticks received, by grain key.</summary>
    public static ConcurrentDictionary<string, int> Ticks { get; } = new();

    Task IReminderProbeGrain.RegisterAsync(TimeSpan due) => this.RegisterOrUpdateReminder("probe", due, TimeSpan.FromMinutes(1));

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
