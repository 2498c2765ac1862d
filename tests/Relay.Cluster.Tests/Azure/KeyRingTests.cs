using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Relay.Crm;
using Relay.Hosting;

namespace Relay.Cluster.Tests.Azure;

/// <summary>The Data Protection key ring in Azure Blob storage (Azurite): one ring for every process.</summary>
[Collection(AzureCollection.Name)]
public sealed class KeyRingTests(AzureClusterFixture fixture)
{
    [Fact]
    public void What_one_host_protects_another_host_built_apart_unprotects()
    {
        var options = Options(AzureClusterFixture.NewServiceId());
        using var first = Host(options);
        using var second = Host(options);

        var secret = first.GetRequiredService<CrmSecrets>().Protect("s3cret");
        var token = second.GetRequiredService<IDataProtectionProvider>().CreateProtector("panel-session").Protect("session");

        second.GetRequiredService<CrmSecrets>().Reveal(secret, "t", "password").ShouldBe("s3cret");
        first.GetRequiredService<IDataProtectionProvider>().CreateProtector("panel-session").Unprotect(token).ShouldBe("session");
        Ring(options).Elements("key").ShouldHaveSingleItem("both hosts use the key the first one created");
    }

    [Fact]
    public void A_host_of_another_service_cannot_unprotect()
    {
        using var first = Host(Options(AzureClusterFixture.NewServiceId()));
        using var other = Host(Options(AzureClusterFixture.NewServiceId()));

        var secret = first.GetRequiredService<CrmSecrets>().Protect("s3cret");

        Should.Throw<CrmException>(() => other.GetRequiredService<CrmSecrets>().Reveal(secret, "t", "password")).ErrorType.ShouldBe("SecretUnreadable");
    }

    [Fact]
    public async Task Keys_stored_at_the_same_moment_by_several_processes_are_all_kept()
    {
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient("relay-keys");
        var blob = AzureClusterFixture.NewServiceId() + "/keys.xml";
        var repositories = Enumerable.Range(0, 4).Select(_ => new BlobXmlRepository(container, blob)).ToList();

        await Task.WhenAll(repositories.Select((repository, r) => Task.Run(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                repository.StoreElement(new XElement("key", new XAttribute("id", $"{r}-{i}")), $"key-{r}-{i}");
            }
        })));

        var ids = new BlobXmlRepository(container, blob).GetAllElements().Select(e => (string)e.Attribute("id")!).ToList();
        ids.Count.ShouldBe(20);
        ids.Distinct().Count().ShouldBe(20);
    }

    [Fact]
    public void With_a_certificate_the_keys_are_encrypted_at_rest_and_still_shared()
    {
        var folder = Directory.CreateTempSubdirectory("relay-cert-");
        try
        {
            var options = Options(AzureClusterFixture.NewServiceId());
            options.DataProtection.CertificatePath = Path.Combine(folder.FullName, "keys.pfx");
            options.DataProtection.CertificatePassword = "cert-pass";
            File.WriteAllBytes(options.DataProtection.CertificatePath, SelfSigned().Export(X509ContentType.Pfx, options.DataProtection.CertificatePassword));
            options.DataProtection.Validate().ShouldBeEmpty();
            using var first = Host(options);
            using var second = Host(options);

            var secret = first.GetRequiredService<CrmSecrets>().Protect("s3cret");

            second.GetRequiredService<CrmSecrets>().Reveal(secret, "t", "password").ShouldBe("s3cret");
            var key = Ring(options).Elements("key").ShouldHaveSingleItem().ToString();
            key.ShouldContain("EncryptedData");
            key.ShouldNotContain("<masterKey");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private RelayHostOptions Options(string serviceId) => new() { Orleans = fixture.Settings(serviceId) };

    /// <summary>A process's services, as a silo or web host registers them: the key ring and the CRM secrets that use it.</summary>
    private static ServiceProvider Host(RelayHostOptions options)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddRelayKeyRing(options);
        services.AddSingleton<CrmSecrets>();
        return services.BuildServiceProvider();
    }

    private XElement Ring(RelayHostOptions options)
    {
        var blob = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(options.DataProtection.BlobContainer)
            .GetBlobClient($"{options.Orleans.ServiceId}/keys.xml");
        return XElement.Parse(blob.DownloadContent().Value.Content.ToString());
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=relay-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}
