# Relay web host: ingest, contacts, leads and admin APIs; an Orleans client of the silos. Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t relay-web .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Grains/Relay.Grains.csproj src/Grains/
COPY src/Hosting/Relay.Hosting.csproj src/Hosting/
COPY src/NetServerEmulator/Relay.NetServerEmulator.csproj src/NetServerEmulator/
COPY src/Web/Relay.Web.csproj src/Web/
RUN dotnet restore src/Web/Relay.Web.csproj
COPY src/Grains/ src/Grains/
COPY src/Hosting/ src/Hosting/
COPY src/NetServerEmulator/ src/NetServerEmulator/
COPY src/Web/ src/Web/
RUN dotnet publish src/Web/Relay.Web.csproj -c Release -o /app --no-restore

# Chiseled: no shell, no package manager, runs as the non-root user 'app'.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app .
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_SHUTDOWNTIMEOUTSECONDS=30 \
    Relay__Web__CoHostSilo=false \
    Relay__Demo__Enabled=false \
    Relay__Observability__JsonLogs=true
EXPOSE 8080
ENTRYPOINT ["dotnet", "Relay.Web.dll"]
