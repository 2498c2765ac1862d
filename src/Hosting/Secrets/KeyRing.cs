using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting;

/// <summary>Registers the Data Protection key ring every Relay process shares (see <see cref="KeyRingSettings"/>).</summary>
public static class KeyRing
{
    /// <summary>
    /// Data Protection under Relay's application name, its keys in the blob <c>{ServiceId}/keys.xml</c> with the Azure
    /// providers or in a local folder otherwise, encrypted with a certificate when one is configured.
    /// </summary>
    public static IServiceCollection AddRelayKeyRing(this IServiceCollection services, RelayHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.DataProtection;
        var builder = services.AddDataProtection().SetApplicationName(KeyRingSettings.ApplicationName);
        if (options.Orleans.Providers is ProviderKind.Azure)
        {
            var container = new AzureProviders.AzureClients(options.Orleans.Azure).Blobs.GetBlobContainerClient(settings.BlobContainer);
            var repository = new BlobXmlRepository(container, $"{options.Orleans.ServiceId}/keys.xml");
            services.Configure<KeyManagementOptions>(o => o.XmlRepository = repository);
        }
        else
        {
            builder.PersistKeysToFileSystem(new DirectoryInfo(settings.KeysFolderOrDefault()));
        }

        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            // Also registered for decryption: read from a file, the certificate is in no certificate store to be found in.
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword);
            builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        return services;
    }
}
