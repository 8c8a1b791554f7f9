using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VGate.Server.Tests.Infrastructure;

/// <summary>One log entry the server wrote.</summary>
internal sealed record LogRecord(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception);

/// <summary>
/// Collects every log entry of a test server. <see cref="VerifyNoErrors"/> (called when the test host is disposed)
/// fails the test for any Error or Critical entry that <see cref="ExpectedErrors"/> does not allow — the grpc-dotnet
/// VerifyNoErrorsScope idea.
/// </summary>
internal sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public Func<LogRecord, bool> ExpectedErrors { get; set; } = _ => false;

    public IReadOnlyCollection<LogRecord> Records => _records;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void VerifyNoErrors()
    {
        var unexpected = _records.Where(r => r.Level >= LogLevel.Error && !ExpectedErrors(r)).ToList();
        if (unexpected.Count > 0)
            throw new InvalidOperationException("Unexpected error logs:\n" + string.Join("\n", unexpected.Select(r => $"{r.Category} [{r.EventId}] {r.Message} {r.Exception}")));
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._records.Enqueue(new LogRecord(logLevel, category, eventId, formatter(state, exception), exception));
    }
}
