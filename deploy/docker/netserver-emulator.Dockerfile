# The NetServer emulator, a stand-in SuperOffice for demos and load tests. Build from the repository root with the
# WSDL folder (../shared/netserver-wsdl) as the extra build context 'wsdl':
#   docker build -f deploy/docker/netserver-emulator.Dockerfile --build-context wsdl=../shared/netserver-wsdl -t relay-netserver-emulator .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /repo
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/NetServerEmulator/Relay.NetServerEmulator.csproj src/NetServerEmulator/
RUN dotnet restore src/NetServerEmulator/Relay.NetServerEmulator.csproj
COPY src/NetServerEmulator/ src/NetServerEmulator/
RUN dotnet publish src/NetServerEmulator/Relay.NetServerEmulator.csproj -c Release -o /app --no-restore

# Chiseled: no shell, no package manager, runs as the non-root user 'app'.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app .
COPY --from=wsdl . /wsdl
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    RELAY_NETSERVER_WSDL_DIR=/wsdl
EXPOSE 8080
ENTRYPOINT ["dotnet", "Relay.NetServerEmulator.dll"]
