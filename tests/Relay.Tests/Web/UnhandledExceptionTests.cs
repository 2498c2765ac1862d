using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Tests.Web;

/// <summary>An unhandled exception is answered with a plain 500 problem: no exception type, message or stack, in any environment.</summary>
public sealed class UnhandledExceptionTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private const string FailingPath = "/test-only/fails";

    private const string SecretMessage = "secret-internal-detail";

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task An_unhandled_exception_is_a_plain_500_problem_without_exception_details(string environment)
    {
        await using var host = factory.WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.ConfigureServices(s => s.AddTransient<IStartupFilter, FailingEndpoint>());
        });
        using var client = host.CreateClient();

        var response = await client.GetAsync(FailingPath);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync();
        var problem = JsonNode.Parse(body)!;
        problem["title"]!.GetValue<string>().ShouldBe("Relay could not answer this request");
        problem["traceId"].ShouldNotBeNull();
        body.ShouldNotContain(SecretMessage);
        body.ShouldNotContain(nameof(InvalidOperationException));
        body.ShouldNotContain(nameof(FailingEndpoint));
    }

    /// <summary>
    /// A test-only endpoint that throws, placed after the host's own pipeline so that the host's exception
    /// handling is what answers; production code has no endpoint that fails on demand.
    /// </summary>
    private sealed class FailingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(FailingPath, failing => failing.Run(_ => throw new InvalidOperationException(SecretMessage)));
        };
    }
}
