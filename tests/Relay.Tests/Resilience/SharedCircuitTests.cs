using Microsoft.Extensions.DependencyInjection;
using Relay.Crm;
using Relay.Imports;
using Relay.NetServerEmulator.Faults;
using Relay.Tenants;

namespace Relay.Tests.Resilience;

/// <summary>The catalog and consent ports go through the tenant's one circuit breaker, as the grains receive them.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class SharedCircuitTests(ResilienceClusterFixture fixture)
{
    private const string CircuitOpenMessage = "calls pause until a probe succeeds";

    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public async Task A_circuit_opened_by_failing_crm_calls_makes_consent_calls_and_an_import_s_member_reads_fail_fast()
    {
        var tenant = await Relay.CreateTenantAsync(1000);
        var selection = Relay.Emulator.Store.AddSelection("Circuit").SelectionId;
        var connection = (await Relay.Client.GetGrain<ITenantGrain>(tenant).GetConfigAsync())!.Connection;
        Relay.Emulator.Faults.Add(new FaultRule { Operation = "*", Kind = FaultKind.Http503 });
        try
        {
            // Every silo has its own breakers: open the tenant's circuit on each, through the CRM port alone.
            foreach (var silo in Relay.Cluster.Silos)
            {
                var services = Relay.Cluster.GetSiloServiceProvider(silo.SiloAddress);
                await OpenCircuitAsync(services.GetRequiredService<ICrm>(), connection);
                var consents = await Should.ThrowAsync<CrmException>(() => services.GetRequiredService<ICrmConsents>().GetConsentsAsync(connection, 1));
                consents.ErrorType.ShouldBe("CircuitOpen", "the consent port shares the circuit the CRM port opened");
            }

            var job = Relay.Client.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, Build.Id("imp")));
            await job.StartAsync(new ImportRequest(ImportSourceKind.Selection, selection, 100));

            // The emulator answers 503 to everything, so only the breaker in front of the grain's catalog says this.
            var progress = await Eventually.GetAsync(job.GetProgressAsync, p => p!.Error?.Contains(CircuitOpenMessage, StringComparison.Ordinal) == true, "the import's member read to meet the open circuit");
            progress!.Status.ShouldBe(ImportStatus.Running, "an open circuit is transient: the import waits and tries again");
        }
        finally
        {
            Relay.Emulator.Faults.Clear();
        }
    }

    private static async Task OpenCircuitAsync(ICrm crm, CrmConnection connection)
    {
        for (var call = 0; call < 20; call++)
        {
            var failure = await Should.ThrowAsync<CrmException>(() => crm.FindPersonsByEmailAsync(connection, "circuit@example.com"));
            if (failure.ErrorType == "CircuitOpen")
            {
                return;
            }
        }

        throw new ShouldAssertException("The tenant's circuit did not open after 20 failed CRM calls.");
    }
}
