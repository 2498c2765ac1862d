using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Crm.Online;
using Relay.Resilience;

namespace Relay.Tests.Resilience;

/// <summary>An Online tenant that is paused or moving is not a CRM that is unwell: the circuit stays closed.</summary>
public sealed class OnlinePauseCircuitTests
{
    [Theory]
    [InlineData(OnlineErrors.TenantNotRunning)]
    [InlineData(OnlineErrors.TenantMoved)]
    public async Task Pauses_and_moves_never_open_the_tenants_circuit(string errorType)
    {
        using var breakers = Breakers();
        var connection = CrmConnection.Local("online-pause");

        for (var i = 0; i < 20; i++)
        {
            var failed = await Should.ThrowAsync<CrmException>(() => breakers.ExecuteAsync<int>(connection, CrmPriority.Bulk, _ => throw Failure(errorType), CancellationToken.None));
            failed.ErrorType.ShouldBe(errorType);
        }

        (await breakers.ExecuteAsync(connection, CrmPriority.Bulk, _ => Task.FromResult(7), CancellationToken.None)).ShouldBe(7);
    }

    [Fact]
    public async Task The_same_number_of_server_errors_opens_it()
    {
        using var breakers = Breakers();
        var connection = CrmConnection.Local("online-unwell");

        var errors = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            errors.Add((await Should.ThrowAsync<CrmException>(() => breakers.ExecuteAsync<int>(connection, CrmPriority.Bulk, _ => throw Failure("Http503"), CancellationToken.None))).ErrorType);
        }

        errors.ShouldContain("CircuitOpen");
    }

    private static CrmCircuitBreakers Breakers() =>
        new(Options.Create(new CrmCircuitBreakerOptions { MinimumThroughput = 4, FailureRatio = 0.5, BreakDuration = TimeSpan.FromMinutes(1) }), TimeProvider.System);

    private static CrmException Failure(string errorType) => new(CrmErrorKind.Transient, errorType, errorType) { RetryAfter = errorType == "Http503" ? null : TimeSpan.FromSeconds(1) };
}
