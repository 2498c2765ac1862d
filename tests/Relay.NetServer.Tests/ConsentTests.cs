using Relay.Crm;

namespace Relay.NetServer.Tests;

/// <summary>Person consents over SOAP: Services88 has them, Services75 does not.</summary>
public abstract class ConsentTests(bool withWsdl)
{
    [Fact]
    public async Task A_consent_is_set_read_with_its_times_and_removed_in_Services88()
    {
        await using var session = await EmulatorSession.StartAsync("88", withWsdl: withWsdl);
        var personId = session.Store.Read(s => s.Persons.Keys.Min());

        await session.Crm.SetConsentAsync(session.Connection, personId, new CrmConsent("EMAIL", "LEGITIMATEINTEREST", "FORM", "Signed up at the fair"));
        var infos = await session.Crm.GetConsentsAsync(session.Connection, personId);

        var info = infos.ShouldHaveSingleItem();
        info.PurposeKey.ShouldBe("EMAIL");
        info.LegalBaseKey.ShouldBe("LEGITIMATEINTEREST");
        info.SourceKey.ShouldBe("FORM");
        info.Comment.ShouldBe("Signed up at the fair");
        info.Updated.ShouldBe(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));

        await session.Crm.RemoveConsentAsync(session.Connection, personId, "EMAIL");
        await session.Crm.RemoveConsentAsync(session.Connection, personId, "EMAIL");
        (await session.Crm.GetConsentsAsync(session.Connection, personId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Services75_has_no_consent_operations_and_says_so_permanently_without_calling()
    {
        await using var session = await EmulatorSession.StartAsync("75", withWsdl: withWsdl);
        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetConsentsAsync(session.Connection, 1001));
        error.Kind.ShouldBe(CrmErrorKind.Permanent);
        error.ErrorType.ShouldBe("ConsentNotSupported");
        session.Calls("GetConsentInfos").ShouldBeEmpty();
    }
}

/// <summary>Consents against the emulator with SuperOffice's WSDL files: schema-written answers, validated requests.</summary>
public sealed class ConsentWithWsdlTests() : ConsentTests(withWsdl: true);

/// <summary>Consents against the emulator without them, as from a bare clone: answers from its own writer.</summary>
public sealed class ConsentWithoutWsdlTests() : ConsentTests(withWsdl: false);
