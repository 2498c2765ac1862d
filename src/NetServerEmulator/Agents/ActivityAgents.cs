using System.Xml.Linq;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Sale and Appointment: get, create and save; the emulator only creates them, as Relay does.</summary>
internal static class ActivityAgents
{
    public static SoapObject GetSaleEntity(SoapCall c) =>
        Response(c.Store.Read(s => s.Sales.TryGetValue(c.Int("SaleEntityId"), out var x) ? Carriers.SaleEntity(s, x, 0, s.Now.UtcDateTime) : null));

    public static SoapObject CreateDefaultSaleEntity(SoapCall c) =>
        Response(c.Store.Read(s => Carriers.SaleEntity(s, null, c.User!.AssociateId, s.Now.UtcDateTime)));

    public static SoapObject GetAppointmentEntity(SoapCall c) =>
        Response(c.Store.Read(s => s.Appointments.TryGetValue(c.Int("AppointmentEntityId"), out var x) ? Carriers.AppointmentEntity(s, x, 0, s.Now.UtcDateTime) : null));

    public static SoapObject CreateDefaultAppointmentEntity(SoapCall c) =>
        Response(c.Store.Read(s => Carriers.AppointmentEntity(s, null, c.User!.AssociateId, s.Now.UtcDateTime)));

    public static SoapObject SaveSaleEntity(SoapCall c)
    {
        var e = c.Body.El("SaleEntity") ?? throw NetServerException.Validation("SaleEntity is required");
        return Response(c.Store.Write(s =>
        {
            var (personId, companyId) = RequirePerson(s, e);
            var saleTypeId = e.El("SaleType").Int("Id");
            if (saleTypeId != 0 && !s.SaleTypes.Any(t => t.Id == saleTypeId))
            {
                throw NetServerException.NotFound("SaleType", saleTypeId);
            }

            var sale = new SaleRecord
            {
                SaleId = s.NextId(),
                Heading = e.Str("Heading"),
                SaleText = e.Str("SaleText"),
                Amount = e.Double("Amount"),
                Probability = e.Int("Probability"),
                PersonId = personId,
                CompanyId = companyId,
                AssociateId = e.El("Associate").Int("AssociateId") is var owner and > 0 ? owner : c.User!.AssociateId,
                SaleTypeId = saleTypeId,
                Status = e.Str("Status") ?? "Open",
                SaleDate = e.Date("Saledate"),
                CreatedDate = s.Now.UtcDateTime,
            };
            if (e.Int("SaleId") != 0)
            {
                throw NetServerException.Validation("The emulator only creates sales");
            }

            s.Sales[sale.SaleId] = sale;
            s.Record("Sale", "SaveSaleEntity", "Sale", sale.SaleId, $"created '{sale.Heading}' {sale.Amount} for person {personId} text '{sale.SaleText}'");
            return Carriers.SaleEntity(s, sale, 0, s.Now.UtcDateTime);
        }));
    }

    public static SoapObject SaveAppointmentEntity(SoapCall c)
    {
        var e = c.Body.El("AppointmentEntity") ?? throw NetServerException.Validation("AppointmentEntity is required");
        return Response(c.Store.Write(s =>
        {
            var (personId, companyId) = RequirePerson(s, e);
            var taskId = e.El("Task").Int("TaskListItemId");
            if (taskId != 0 && !s.TaskTypes.Any(t => t.Id == taskId))
            {
                throw NetServerException.NotFound("Task", taskId);
            }

            var start = e.Date("StartDate");
            var appointment = new AppointmentRecord
            {
                AppointmentId = s.NextId(),
                Description = e.Str("Description"),
                PersonId = personId,
                CompanyId = companyId,
                AssociateId = e.El("Associate").Int("AssociateId") is var owner and > 0 ? owner : c.User!.AssociateId,
                TaskId = taskId,
                Type = e.Str("Type") ?? "inDiary",
                Completed = e.Str("Completed") ?? "NotStarted",
                StartDate = start,
                EndDate = e.Date("EndDate") is var end && end > start ? end : start,
                CreatedDate = s.Now.UtcDateTime,
            };
            s.Appointments[appointment.AppointmentId] = appointment;
            s.Record("Appointment", "SaveAppointmentEntity", "Appointment", appointment.AppointmentId,
                $"created {appointment.Type}/{appointment.Completed} task {taskId} for person {personId}: '{appointment.Description}'");
            return Carriers.AppointmentEntity(s, appointment, 0, s.Now.UtcDateTime);
        }));
    }

    /// <summary>The person and company a sale or appointment is for; the company follows the person when left out.</summary>
    private static (int PersonId, int CompanyId) RequirePerson(EmulatorStore s, XElement entity)
    {
        var personId = entity.El("Person").Int("PersonId");
        if (personId != 0 && !s.Persons.ContainsKey(personId))
        {
            throw NetServerException.NotFound("Person", personId);
        }

        var companyId = entity.El("Contact").Int("ContactId");
        if (companyId == 0 && personId != 0)
        {
            companyId = s.Persons[personId].CompanyId;
        }

        if (companyId != 0 && !s.Companies.ContainsKey(companyId))
        {
            throw NetServerException.NotFound("Contact", companyId);
        }

        if (companyId == 0 && personId == 0)
        {
            throw NetServerException.Validation("A company or person is required");
        }

        return (personId, companyId);
    }
}
