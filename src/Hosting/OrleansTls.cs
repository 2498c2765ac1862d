using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Relay.Hosting;

/// <summary>
/// Mutual TLS between silos and from clients to silos, section <c>Relay:Orleans:Tls</c>; off unless
/// <see cref="Enabled"/>. Every process presents its certificate and takes only peers whose certificate chains to
/// <see cref="TrustedCertificatesPath"/> (a CA, or the certificates themselves), by default to its own certificate: one
/// certificate shared by every pod, from one Secret. Host names are not checked, as pods dial each other by IP.
/// </summary>
public sealed class OrleansTlsSettings
{
    /// <summary>Whether silo and gateway connections use TLS. Every silo and client of a cluster must agree.</summary>
    public bool Enabled { get; set; }

    /// <summary>The certificate: a PKCS#12 (.pfx) file, or a PEM certificate when <see cref="KeyPath"/> is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM certificate (a Kubernetes TLS Secret's <c>tls.key</c>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, or the encrypted PEM key's; empty for none.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A PEM file of the certificates a peer's certificate must chain to: the issuing CA (<c>ca.crt</c>), or, during a
    /// rotation, the old and the new certificate. Unset: the process's own certificate.
    /// </summary>
    public string? TrustedCertificatesPath { get; set; }

    /// <summary>Every problem with the settings, each naming its setting; none when TLS is off.</summary>
    public IReadOnlyList<string> Validate()
    {
        if (!Enabled)
        {
            return [];
        }

        const string section = "Relay:Orleans:Tls";
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            errors.Add($"{section}:CertificatePath is required when {section}:Enabled is true");
        }

        foreach (var (name, path) in new[] { ("CertificatePath", CertificatePath), ("KeyPath", KeyPath), ("TrustedCertificatesPath", TrustedCertificatesPath) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                errors.Add($"{section}:{name}: no file at '{path}' (is the Secret mounted?)");
            }
        }

        return errors;
    }

    /// <summary>Loads the certificate with its private key.</summary>
    public X509Certificate2 LoadCertificate()
    {
        if (string.IsNullOrWhiteSpace(KeyPath))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(CertificatePath!, NullIfEmpty(Password));
        }

        using var pem = NullIfEmpty(Password) is { } password
            ? X509Certificate2.CreateFromEncryptedPemFile(CertificatePath!, password, KeyPath)
            : X509Certificate2.CreateFromPemFile(CertificatePath!, KeyPath);

        // A PEM key is ephemeral, which SslStream on Windows cannot use; a round trip through PKCS#12 works everywhere.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificates a peer's certificate must chain to.</summary>
    public X509Certificate2Collection LoadTrusted(X509Certificate2 own)
    {
        if (string.IsNullOrWhiteSpace(TrustedCertificatesPath))
        {
            return [X509CertificateLoader.LoadCertificate(own.RawData)];
        }

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(TrustedCertificatesPath);
        return trusted;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Switches Orleans' TLS connection support on for a silo or a client, from <see cref="OrleansTlsSettings"/>.</summary>
public static class OrleansTls
{
    /// <summary>Requires TLS with a trusted certificate on every silo-to-silo and gateway connection; nothing when off.</summary>
    public static ISiloBuilder UseRelayTls(this ISiloBuilder silo, OrleansTlsSettings settings) =>
        settings.Enabled ? silo.UseTls(o => Configure(o, settings)) : silo;

    /// <summary>Requires TLS with a trusted certificate on the client's gateway connections; nothing when off.</summary>
    public static IClientBuilder UseRelayTls(this IClientBuilder client, OrleansTlsSettings settings) =>
        settings.Enabled ? client.UseTls(o => Configure(o, settings)) : client;

    /// <summary>Whether <paramref name="remote"/> chains to one of <paramref name="trusted"/> and is valid now.</summary>
    public static bool IsTrusted(X509Certificate2 remote, X509Chain? presented, X509Certificate2Collection trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent along, so that a leaf of an intermediate CA finds its way to the trusted root.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(remote);
    }

    private static void Configure(TlsOptions options, OrleansTlsSettings settings)
    {
        var certificate = settings.LoadCertificate();
        var trusted = settings.LoadTrusted(certificate);
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;

        // Replaces the platform's checks (a public CA, the host name) with the trust this cluster configured.
        options.RemoteCertificateValidation = (remote, chain, errors) =>
            (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && IsTrusted(remote, chain, trusted);
    }
}
