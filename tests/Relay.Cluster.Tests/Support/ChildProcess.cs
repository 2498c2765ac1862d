using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Relay.Cluster.Tests.Support;

/// <summary>A process a test started, with its output kept for failure messages; killed (SIGKILL) on dispose.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>The Linux signals the tests send.</summary>
    public const int SigInt = 2, SigCont = 18, SigStop = 19;

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What the test calls it in messages.</summary>
    public string Name { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed.</summary>
    public string Tail
    {
        get
        {
            lock (_log)
            {
                var text = _log.ToString();
                return text.Length <= 6000 ? text : text[^6000..];
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> and extra environment variables.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start"));
    }

    /// <summary>Throws with the process's output when it has ended.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Tail}");
        }
    }

    /// <summary>Ends the process at once, as a crash or <c>kill -9</c> would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Sends a signal to the process, not to its children.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited && Kill(_process.Id, signal) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling, and the test project needs no unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
