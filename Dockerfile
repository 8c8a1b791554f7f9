# syntax=docker/dockerfile:1
# The `vgate` command (serve, stream, binlog, kafka-sink) on the ASP.NET Core runtime, ReadyToRun-compiled for
# linux-x64, running as the image's non-root `app` user. docker-compose.yml uses it for `vgate serve` and the Kafka
# sink; by hand: `docker build -t vgate . && docker run --rm vgate --version`.
# tests/VGate.Cli.Tests/DockerfileTests.cs checks that every COPY source exists and that the publish command works.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# What the build reads, and nothing else (.dockerignore keeps bin/, obj/ and artifacts/ out).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY proto/ proto/
COPY src/ src/
COPY connectors/ connectors/
# The NuGet cache survives between builds (BuildKit cache mount), so a code change does not download packages again.
# ReadyToRun: precompiled code, so a fresh container streams without waiting for the JIT; vgate.runtimeconfig.json also
# turns dynamic PGO off (src/VGate.Cli/VGate.Cli.csproj, bench/cold-start.sh). DeploymentFilesTests checks both.
RUN --mount=type=cache,id=vgate-nuget,target=/root/.nuget/packages \
    dotnet publish src/VGate.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
COPY LICENSE /app/LICENSE
# The base image's non-root user (uid 1654, $APP_UID); nothing here needs root, and nothing is written but temp files.
USER $APP_UID
# 15991 gRPC (VStream, Execute, grpc.health.v1, reflection); 15992 the usual --metrics-listen port for /metrics;
# 15993 the Kafka sink's --metrics-listen (/metrics, /healthz) in deploy/vgate/kafka-sink.json.
EXPOSE 15991 15992 15993
# No HEALTHCHECK here: the image serves several commands (the Kafka sink listens only with --metrics-listen), and it
# has no gRPC health probe. docker-compose.yml checks `vgate serve` by its open port; docs/quickstart-mysql-kafka.md says more.
ENTRYPOINT ["/app/vgate"]
CMD ["help"]
