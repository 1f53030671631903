using System.Net;

namespace AgentMesh.Client.Worker;

public sealed partial class AgentRunner
{
    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingResult>(MaxBatch);
        try
        {
            while (await _results.Reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < MaxBatch && _results.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await SendBatchAsync(batch, cancellationToken);
                ReleaseAll(batch);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            while (_results.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            WorkerLog.ResultsLost(_logger, _agentId, batch.Count);
            ReleaseAll(batch);
        }
    }

    private async Task SendBatchAsync(List<PendingResult> batch, CancellationToken cancellationToken)
    {
        var results = new TaskResult[batch.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = batch[i].Result;
        }

        IReadOnlyList<TaskResultAck> acks;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                acks = await _client.SendResultsAsync(_tenant, _agentId, results, cancellationToken);
                break;
            }
            catch (Exception exception) when (TransientFailure.Is(exception, cancellationToken))
            {
                var delay = Backoff.Delay(attempt, exception);
                WorkerLog.ResultsRetrying(_logger, _agentId, results.Length, exception.Message, delay, attempt, WorkerLog.Attached(_logger, exception, cancellationToken));
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (AgentMeshApiException exception)
            {
                WorkerLog.ResultsRefused(_logger, _agentId, results.Length, exception);
                return;
            }
        }

        foreach (var ack in acks)
        {
            if (ack.Status != (int)HttpStatusCode.OK)
            {
                WorkerLog.ResultDropped(_logger, _agentId, ack.TaskId, ack.Status, ack.Code);
            }
        }
    }

    private void ReleaseAll(List<PendingResult> batch)
    {
        foreach (var pending in batch)
        {
            if (pending.Held is { } held)
            {
                Release(held);
            }
        }

        batch.Clear();
    }
}
