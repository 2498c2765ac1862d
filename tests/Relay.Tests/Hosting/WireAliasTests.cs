using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Relay.Access;

namespace Relay.Tests.Hosting;

/// <summary>
/// Type aliases as they travel between processes. A co-hosted web host never parses them, so a bad alias only shows
/// when the web host is a client of the cluster: the operator API failed to issue credentials there.
/// </summary>
public sealed class WireAliasTests
{
    [Fact]
    public void Every_generic_type_alias_names_its_arity_as_Orleans_requires()
    {
        var generics = typeof(AccessChange<>).Assembly.GetTypes()
            .Where(t => t.IsGenericTypeDefinition && t.GetCustomAttribute<AliasAttribute>() is not null)
            .ToList();

        generics.ShouldNotBeEmpty();
        generics.ShouldAllBe(t => t.GetCustomAttribute<AliasAttribute>()!.Alias.EndsWith("`" + t.GetGenericArguments().Length, StringComparison.Ordinal));
    }

    [Fact]
    public void A_generic_result_sent_as_an_object_is_read_back_by_its_alias()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var info = new CredentialInfo("cred-1", "producer", AccessScopes.Ingest, "rly_t_…abcd", DateTimeOffset.UnixEpoch, null, null, null);
        object sent = AccessChange.Refused<CredentialInfo>("refused") with { Value = info };

        var read = serializer.Deserialize<object>(serializer.SerializeToArray(sent));

        read.ShouldBe(sent);
    }
}
