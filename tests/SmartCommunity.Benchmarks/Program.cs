using System.Globalization;
using System.Reflection;
using SmartCommunity.Benchmarks.Harness;

// Usage: dotnet run -c Release --project tests/SmartCommunity.Benchmarks -- [--quick] [name ...|all]
// Prints a Markdown table per benchmark, ready for docs/benchmarks.md.
var quick = args.Contains("--quick");
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var all = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (names.Count == 0)
{
    Console.WriteLine("Benchmarks: " + string.Join(", ", all.Select(b => $"{b.Name} ({b.Description})")));
    Console.WriteLine("Run: dotnet run -c Release --project tests/SmartCommunity.Benchmarks -- [--quick] all|NAME...");
    return 0;
}

var selected = names.Contains("all") ? all : all.Where(b => names.Contains(b.Name)).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"No benchmark named {string.Join(", ", names)}.");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var failed = 0;
foreach (var benchmark in selected)
{
    var work = Directory.CreateTempSubdirectory("sc-bench-" + benchmark.Name).FullName;
    Console.WriteLine($"## {benchmark.Name}: {benchmark.Description}");
    Console.WriteLine($"`{Environment.ProcessorCount} cores, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}, {(quick ? "quick" : "full")} run`");
    Console.WriteLine();
    try
    {
        var report = await benchmark.RunAsync(new BenchmarkOptions(quick, work), cts.Token);
        Console.WriteLine("| metric | value | unit | compared to | ratio | target | met |");
        Console.WriteLine("| --- | ---: | --- | --- | ---: | ---: | --- |");
        foreach (var row in report.Rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Metric} | {row.Value:0.###} | {row.Unit} | {row.ComparedTo ?? ""} | {(row.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {(row.Target is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {row.Met switch { true => "yes", false => "**no**", null => "" }} |"));
        }

        foreach (var note in report.Notes)
        {
            Console.WriteLine();
            Console.WriteLine("- " + note);
        }
    }
    catch (Exception ex) when (ex is not OperationCanceledException)
    {
        failed++;
        Console.WriteLine($"Benchmark failed: {ex}");
    }
    finally
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }

    Console.WriteLine();
}

return failed == 0 ? 0 : 1;
