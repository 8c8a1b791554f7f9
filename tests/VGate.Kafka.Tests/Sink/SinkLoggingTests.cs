using Microsoft.Extensions.Time.Testing;
using VGate.Kafka.Cli;
using VGate.Kafka.Logging;

namespace VGate.Kafka.Tests.Sink;

/// <summary>librdkafka's repeated lines are held back per kind and window; <c>--log-format</c> takes text or json only.</summary>
public sealed class SinkLoggingTests
{
    [Fact]
    public void RepeatLimiter_SameKindWithinWindow_HeldBackAndCountedAtTheNextLine()
    {
        var time = new FakeTimeProvider();
        var limiter = new RepeatLimiter(TimeSpan.FromSeconds(30), time);

        Assert.True(limiter.ShouldLog("error:Local_Transport", out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(limiter.ShouldLog("error:Local_Transport", out _));
        }
        // Another kind is not held back by the first one.
        Assert.True(limiter.ShouldLog("error:Local_AllBrokersDown", out var other));
        Assert.Equal(0, other);

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.True(limiter.ShouldLog("error:Local_Transport", out var held));
        Assert.Equal(5, held);
        Assert.False(limiter.ShouldLog("error:Local_Transport", out _));
    }

    [Theory]
    [InlineData("json", "json")]
    [InlineData("JSON", "json")]
    [InlineData("text", "text")]
    public void Parse_LogFormat_Accepted(string value, string expected)
    {
        var parsed = SinkCommandLine.Parse(["--log-format", value]);

        Assert.Equal(expected, parsed.LogFormat);
    }

    [Fact]
    public void Parse_LogFormatUnknown_ErrorNamesTheChoices()
    {
        var error = Assert.Throws<SinkUsageException>(() => SinkCommandLine.Parse(["--log-format", "xml"]));

        Assert.Equal("Option --log-format must be text or json, not 'xml'.", error.Message);
    }
}
