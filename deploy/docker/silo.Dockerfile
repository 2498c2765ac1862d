# Relay silo: contact grains and everything they call. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t relay-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Grains/Relay.Grains.csproj src/Grains/
COPY src/Hosting/Relay.Hosting.csproj src/Hosting/
COPY src/Silo/Relay.Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Relay.Silo.csproj
COPY src/Grains/ src/Grains/
COPY src/Hosting/ src/Hosting/
COPY src/Silo/ src/Silo/
RUN dotnet publish src/Silo/Relay.Silo.csproj -c Release -o /app --no-restore

# Chiseled: no shell, no package manager, runs as the non-root user 'app'.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app .
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_SHUTDOWNTIMEOUTSECONDS=120 \
    Relay__Observability__JsonLogs=true
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Relay.Silo.dll"]
