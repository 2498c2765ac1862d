using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Relay.Hosting;

/// <summary>
/// A Data Protection key ring in one XML blob, Data Protection's documented <see cref="IXmlRepository"/> extension point
/// over <c>Azure.Storage.Blobs</c>. Each new key is added by reading the blob and writing it back only if nobody wrote
/// it in between (ETag), so processes creating keys at the same moment keep each other's.
/// </summary>
public sealed class BlobXmlRepository : IXmlRepository
{
    private const int MaxAttempts = 20;
    private readonly BlobContainerClient _container;
    private readonly BlobClient _blob;

    /// <summary>The ring in <paramref name="blobName"/> of <paramref name="container"/>, which is created when missing.</summary>
    public BlobXmlRepository(BlobContainerClient container, string blobName)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _blob = container.GetBlobClient(blobName);
    }

    public IReadOnlyCollection<XElement> GetAllElements() => [.. Read().Ring.Root!.Elements()];

    public void StoreElement(XElement element, string friendlyName)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (ring, etag) = Read();
            ring.Root!.Add(new XElement(element));
            var conditions = etag is { } known ? new BlobRequestConditions { IfMatch = known } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                _blob.Upload(
                    BinaryData.FromString(ring.ToString(SaveOptions.DisableFormatting)),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/xml" } });
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another process stored a key since the read: read its ring and add this key to it, after a random
                // pause that grows, so processes starting together stop colliding. Keys are created rarely (once per
                // key lifetime), and Data Protection's own API here is synchronous.
                Thread.Sleep(Random.Shared.Next(10, 50 * attempt));
            }
        }

        throw new InvalidOperationException($"The Data Protection key '{friendlyName}' could not be stored in {_blob.Uri}: it kept changing under {MaxAttempts} attempts.");
    }

    private (XDocument Ring, ETag? ETag) Read()
    {
        try
        {
            var content = _blob.DownloadContent().Value;
            return (XDocument.Parse(content.Content.ToString()), content.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            _container.CreateIfNotExists();
            return (new XDocument(new XElement("repository")), null);
        }
    }
}
