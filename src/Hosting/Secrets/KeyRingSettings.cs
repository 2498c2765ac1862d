namespace Relay.Hosting;

/// <summary>
/// Where the Data Protection key ring lives, section <c>Relay:DataProtection</c>. Every process (silos and web hosts)
/// shares one ring under one application name: it protects the tenants' CRM secrets, panel sessions and anti-forgery
/// tokens. With the Azure providers the ring is a blob next to the cluster's state; otherwise a local folder.
/// </summary>
public sealed class KeyRingSettings
{
    /// <summary>The Data Protection application name every Relay process uses: data one protects, another reads.</summary>
    public const string ApplicationName = "Relay";

    /// <summary>The folder of the key ring with the embedded providers; unset: <c>Relay/DataProtection-Keys</c> under the user's local application data.</summary>
    public string? KeysFolder { get; set; }

    /// <summary>The blob container of the key ring with the Azure providers; the ring is the blob <c>{ServiceId}/keys.xml</c> in it.</summary>
    public string BlobContainer { get; set; } = "relay-keys";

    /// <summary>A PKCS#12 (.pfx) file whose certificate encrypts the keys at rest, e.g. mounted from a Kubernetes Secret; unset: keys are stored unencrypted.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>, when it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The folder the embedded key ring is kept in.</summary>
    public string KeysFolderOrDefault()
    {
        if (!string.IsNullOrWhiteSpace(KeysFolder))
        {
            return KeysFolder;
        }

        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(string.IsNullOrEmpty(local) ? Path.GetTempPath() : local, "Relay", "DataProtection-Keys");
    }

    /// <summary>Every problem with the settings, each naming its setting.</summary>
    public IEnumerable<string> Validate()
    {
        const string prefix = "Relay:DataProtection:";
        if (!string.IsNullOrWhiteSpace(CertificatePath) && !File.Exists(CertificatePath))
        {
            yield return $"{prefix}CertificatePath names no file (got '{CertificatePath}')";
        }

        if (string.IsNullOrWhiteSpace(CertificatePath) && !string.IsNullOrEmpty(CertificatePassword))
        {
            yield return $"{prefix}CertificatePassword is set without {prefix}CertificatePath";
        }

        // Blob container names: 3–63 lowercase letters, digits and single dashes, starting with a letter or digit.
        if (BlobContainer is not { Length: >= 3 and <= 63 } || !BlobContainer.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || BlobContainer.StartsWith('-') || BlobContainer.Contains("--", StringComparison.Ordinal))
        {
            yield return $"{prefix}BlobContainer must be 3–63 lowercase letters, digits and single dashes (got '{BlobContainer}')";
        }
    }
}
