namespace SmartCommunity.Dashboard.Tests;

/// <summary>Browser tests of the dashboard (issue 8) go here; this file goes when the first of them lands.</summary>
internal static class Placeholder;
