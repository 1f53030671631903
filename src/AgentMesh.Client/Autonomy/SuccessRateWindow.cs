namespace AgentMesh.Client.Autonomy;

/// <summary>Success rate over the last <c>capacity</c> outcomes; 1 before the first.</summary>
internal sealed class SuccessRateWindow(int capacity = 100)
{
    private readonly bool[] _outcomes = new bool[capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;
    private int _successes;

    public double Rate
    {
        get
        {
            lock (_lock)
            {
                return _count == 0 ? 1.0 : (double)_successes / _count;
            }
        }
    }

    public void Record(bool succeeded)
    {
        lock (_lock)
        {
            if (_count == _outcomes.Length)
            {
                _successes -= _outcomes[_next] ? 1 : 0;
            }
            else
            {
                _count++;
            }

            _outcomes[_next] = succeeded;
            _successes += succeeded ? 1 : 0;
            _next = (_next + 1) % _outcomes.Length;
        }
    }
}
