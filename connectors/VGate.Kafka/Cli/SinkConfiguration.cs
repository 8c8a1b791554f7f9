using System.Collections;
using Microsoft.Extensions.Configuration;
using VGate.Kafka.Sink;
using VGate.Secrets;

namespace VGate.Kafka.Cli;

/// <summary>
/// Loads <see cref="KafkaSinkOptions"/> from, in increasing priority: the JSON file given with <c>--config</c>
/// (section <c>VGate:KafkaSink</c>), environment variables <c>VGATE_KafkaSink__&lt;Option&gt;</c> (nested keys with
/// <c>__</c>, e.g. <c>VGATE_KafkaSink__Kafka__sasl.mechanism</c>; the older <c>VGATE_KAFKA__&lt;Option&gt;</c> too), and
/// the command line — the model <c>vgate serve</c> shares (<see cref="VGateConfiguration"/>). Unknown keys in the
/// section are errors naming the key.
/// </summary>
public static class SinkConfiguration
{
    /// <summary>
    /// Prefix of the environment variables read: <c>VGATE_KafkaSink__Option</c> (<see cref="VGateConfiguration"/>, the
    /// model <c>vgate serve</c> shares); the sink's first form <c>VGATE_KAFKA__Option</c> is still read, below it.
    /// </summary>
    public const string EnvironmentPrefix = VGateConfiguration.EnvironmentPrefix + "KafkaSink__";

    /// <summary>
    /// Builds the options. Throws <see cref="SinkUsageException"/> for a bad command line or a missing file, and
    /// <see cref="KafkaSinkException"/> (<see cref="SinkFailure.Configuration"/>) for unreadable JSON or values of the wrong type.
    /// </summary>
    public static KafkaSinkOptions Load(IReadOnlyList<string> args, IDictionary? environment = null) =>
        Load(SinkCommandLine.Parse(args), environment ?? Environment.GetEnvironmentVariables());

    internal static KafkaSinkOptions Load(SinkCommandLine.Parsed parsed, IDictionary environment)
    {
        var builder = new ConfigurationBuilder();
        if (parsed.ConfigFile is { } file)
        {
            if (!File.Exists(file))
                throw new SinkUsageException($"Configuration file '{file}' does not exist.");
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        builder.AddInMemoryCollection(VGateConfiguration.EnvironmentSettings(environment));
        builder.AddInMemoryCollection(parsed.Settings);
        var options = new KafkaSinkOptions();
        try
        {
            var configuration = builder.Build();
            configuration.GetSection(KafkaSinkOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, "Invalid configuration: " + Describe(ex), ex);
        }
        catch (InvalidDataException ex)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, $"Configuration file '{parsed.ConfigFile}' is not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, $"Configuration file '{parsed.ConfigFile}' is not valid JSON: {ex.Message}", ex);
        }
        ResolveSecrets(options);
        return options;
    }

    /// <summary>
    /// Replaces <c>{env:NAME}</c> and <c>{file:PATH}</c> in <see cref="KafkaSinkOptions.Password"/> and in the values
    /// of <see cref="KafkaSinkOptions.Kafka"/> (e.g. <c>sasl.password</c>, <c>ssl.key.password</c>) and
    /// <see cref="KafkaSinkOptions.GrpcHeaders"/> (e.g. a bearer token) by the secret they name, so no secret need be on
    /// the command line or in the file.
    /// </summary>
    private static void ResolveSecrets(KafkaSinkOptions options)
    {
        try
        {
            if (options.Password is { } password)
                options.Password = SecretReference.Resolve(password, "Password");
            foreach (var key in options.Kafka.Keys.ToList())
            {
                if (SecretReference.IsReference(options.Kafka[key]))
                    options.Kafka[key] = SecretReference.Resolve(options.Kafka[key], $"Kafka setting '{key}'");
            }
            foreach (var key in options.GrpcHeaders.Keys.ToList())
            {
                if (SecretReference.IsReference(options.GrpcHeaders[key]))
                    options.GrpcHeaders[key] = SecretReference.Resolve(options.GrpcHeaders[key], $"gRPC header '{key}'");
            }
        }
        catch (FormatException ex)
        {
            throw new KafkaSinkException(SinkFailure.Configuration, ex.Message, ex);
        }
    }

    private static string Describe(InvalidOperationException exception)
    {
        // The binder's messages name the key and the type ("Failed to convert configuration value 'x' at 'VGate:KafkaSink:MaxBatchRecords' to type 'System.Int32'.").
        var message = exception.Message;
        if (exception.InnerException is { } inner && !message.Contains(inner.Message, StringComparison.Ordinal))
            message += " " + inner.Message;
        return message;
    }
}
