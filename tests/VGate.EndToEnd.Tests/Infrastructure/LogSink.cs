using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VGate.EndToEnd.Tests.Infrastructure;

/// <summary>One log entry the in-process server wrote.</summary>
internal sealed record LogRecord(DateTimeOffset Time, LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Time:HH:mm:ss.fff} {Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception.GetType().Name + ": " + Exception.Message)}";
}

/// <summary>Collects the server's log entries so tests can check them (and show them when something fails).</summary>
internal sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyCollection<LogRecord> Records => _records;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The entries at <paramref name="level"/> or above, one per line.</summary>
    public string Dump(LogLevel level = LogLevel.Information) =>
        string.Join("\n", _records.Where(r => r.Level >= level).Select(r => r.ToString()));

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                sink._records.Enqueue(new LogRecord(DateTimeOffset.UtcNow, logLevel, category, formatter(state, exception), exception));
        }
    }
}
