using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Relay.Web.Recovery;

namespace Relay.Tests.Web;

/// <summary>Which failures mean "the cluster is recovering", and how calls ride them out within a request's budget.</summary>
public sealed class ClusterRecoveryTests
{
    public static TheoryData<Exception> Recovering() =>
    [
        new SiloUnavailableException("target silo unavailable"),
        new ConnectionFailedException("Unable to connect to endpoint"),
        new GatewayTooBusyException(),
        new TimeoutException("Response did not arrive on time"),
        new InvalidOperationException("wrapped", new SiloUnavailableException()),
        new AggregateException(new ArgumentException("one"), new TimeoutException("two")),
        new ClusterRecoveringException(null),
    ];

    public static TheoryData<Exception> Bugs() =>
    [
        new InvalidOperationException("a bug"),
        new ArgumentException("bad input"),
        new OrleansException("no such grain interface"),
        new OperationCanceledException(),
        new AggregateException(new ArgumentException("one"), new InvalidOperationException("two")),
    ];

    [Theory]
    [MemberData(nameof(Recovering))]
    public void A_rejected_message_a_lost_connection_or_a_timed_out_call_is_the_cluster_recovering(Exception exception) =>
        ClusterRecovery.IsRecovering(exception).ShouldBeTrue();

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Other_exceptions_are_not_the_cluster_recovering(Exception exception) =>
        ClusterRecovery.IsRecovering(exception).ShouldBeFalse();

    [Fact]
    public async Task A_call_the_recovering_cluster_refuses_is_tried_again_until_it_succeeds()
    {
        var calls = Calls(TimeSpan.FromSeconds(10));
        var attempts = 0;

        var answer = await calls.RunAsync(Budget(calls), () => ++attempts < 3 ? throw new SiloUnavailableException() : Task.FromResult("answered"));

        answer.ShouldBe("answered");
        attempts.ShouldBe(3);
    }

    [Fact]
    public async Task Once_the_budget_is_spent_the_call_fails_as_recovering_with_the_last_failure()
    {
        var calls = Calls(TimeSpan.FromMilliseconds(300));
        var attempts = 0;

        var failure = await Should.ThrowAsync<ClusterRecoveringException>(() =>
            calls.RunAsync(Budget(calls), () => ++attempts > 0 ? throw new SiloUnavailableException($"attempt {attempts}") : Task.FromResult(0)));

        attempts.ShouldBeGreaterThan(1);
        failure.InnerException.ShouldBeOfType<SiloUnavailableException>();
    }

    [Fact]
    public async Task A_call_that_hangs_is_given_up_when_the_budget_is_spent()
    {
        var calls = Calls(TimeSpan.FromMilliseconds(200));
        var never = new TaskCompletionSource<int>();

        await Should.ThrowAsync<ClusterRecoveringException>(() => calls.RunAsync(Budget(calls), () => never.Task));
    }

    [Fact]
    public async Task A_bug_is_thrown_at_once_and_not_retried()
    {
        var calls = Calls(TimeSpan.FromSeconds(10));
        var attempts = 0;

        await Should.ThrowAsync<InvalidOperationException>(() =>
            calls.RunAsync(Budget(calls), () => ++attempts > 0 ? throw new InvalidOperationException("a bug") : Task.FromResult(0)));

        attempts.ShouldBe(1);
    }

    [Fact]
    public async Task A_spent_budget_still_allows_one_attempt_and_then_answers_recovering()
    {
        var calls = Calls(TimeSpan.Zero);
        var attempts = 0;

        (await calls.RunAsync(Budget(calls), () => Task.FromResult(++attempts))).ShouldBe(1);
        await Should.ThrowAsync<ClusterRecoveringException>(() => calls.RunAsync(Budget(calls), () => ++attempts > 0 ? throw new TimeoutException() : Task.FromResult(0)));
        attempts.ShouldBe(2);
    }

    [Theory]
    [InlineData("Budget", "00:02:00")]
    [InlineData("Budget", "-00:00:01")]
    [InlineData("RetryAfter", "00:00:00")]
    public void A_setting_out_of_range_stops_the_start_naming_it(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{ClusterRecoverySettings.Section}:{key}"] = value })
            .Build();

        Should.Throw<InvalidOperationException>(() => ClusterRecoverySettings.From(configuration)).Message.ShouldContain($"Relay:Web:Recovery:{key}");
    }

    private static ClusterCalls Calls(TimeSpan budget) =>
        new(new ClusterRecoverySettings { Budget = budget }, TimeProvider.System, NullLogger<ClusterCalls>.Instance);

    private static RecoveryBudget Budget(ClusterCalls calls) => new(DateTimeOffset.UtcNow + calls.Settings.Budget, CancellationToken.None);
}
