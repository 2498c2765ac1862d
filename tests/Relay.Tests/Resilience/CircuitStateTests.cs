using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Resilience;
using Relay.Tenants;
using Shouldly;
using Xunit;

namespace Relay.Tests.Resilience;

/// <summary>The per-tenant circuit as the console's status reads it, and its first use by many calls at once.</summary>
public sealed class CircuitStateTests
{
    [Fact]
    public async Task Many_first_calls_of_a_tenant_at_once_share_one_circuit_without_failing()
    {
        using var breakers = new CrmCircuitBreakers(Options.Create(new CrmCircuitBreakerOptions()), TimeProvider.System);
        var connection = CrmConnection.Local("race-" + Guid.NewGuid().ToString("N")[..8]);
        using var start = new ManualResetEventSlim();

        // Threads released together make the registry build the tenant's pipeline concurrently.
        var calls = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await breakers.ExecuteAsync(connection, CrmPriority.RepFacing, _ => Task.FromResult(1), CancellationToken.None);
        })).ToList();
        start.Set();

        (await Task.WhenAll(calls)).Sum().ShouldBe(32);
        breakers.StateOf(connection.TenantId).ShouldBe(CircuitBreakerStates.Closed);
    }

    [Fact]
    public async Task A_tenant_whose_crm_keeps_failing_shows_an_open_circuit_and_others_stay_closed()
    {
        var options = new CrmCircuitBreakerOptions { MinimumThroughput = 2, FailureRatio = 0.5, BreakDuration = TimeSpan.FromMinutes(1) };
        using var breakers = new CrmCircuitBreakers(Options.Create(options), TimeProvider.System);
        var failing = CrmConnection.Local("failing-" + Guid.NewGuid().ToString("N")[..8]);
        for (var i = 0; i < 4; i++)
        {
            await Should.ThrowAsync<CrmException>(() => breakers.ExecuteAsync<int>(
                failing, CrmPriority.RepFacing, _ => throw new CrmException(CrmErrorKind.Transient, "Timeout", "no answer"), CancellationToken.None));
        }

        breakers.StateOf(failing.TenantId).ShouldBe(CircuitBreakerStates.Open);
        breakers.StateOf("never-called").ShouldBe(CircuitBreakerStates.Closed);
    }
}
