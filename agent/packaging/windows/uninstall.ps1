#Requires -RunAsAdministrator
<#
.SYNOPSIS
Removes the ml-connector agent: stops and deletes the service and the program files. The agent
home (enrollment, key) is kept unless -Purge is given.  .\uninstall.ps1 [-Purge]
#>
[CmdletBinding()]
param([switch]$Purge)
$ErrorActionPreference = 'Stop'

$ServiceName = 'mlc-agent'
$Prefix = Join-Path $env:ProgramFiles 'ml-connector\agent'
$ConfigDir = Join-Path $env:ProgramData 'ml-connector\agent'

$service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($service) {
  if ($service.Status -ne 'Stopped') {
    Stop-Service -Name $ServiceName
    $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
  }
  $wrapper = Join-Path $Prefix 'mlc-agent-service.exe'
  if (Test-Path $wrapper) { & $wrapper uninstall } else { sc.exe delete $ServiceName | Out-Null }
  if ($LASTEXITCODE -ne 0) { throw "removing the service failed (exit $LASTEXITCODE)" }
  Write-Host "removed service $ServiceName"
}

# Leave the folder first: the script may be running from inside it.
Set-Location $env:SystemRoot
if (Test-Path $Prefix) { Remove-Item -Recurse -Force $Prefix }
Write-Host "removed $Prefix"

if ($Purge) {
  if (Test-Path $ConfigDir) { Remove-Item -Recurse -Force $ConfigDir }
  Write-Host "removed $ConfigDir (-Purge)"
} else {
  Write-Host "kept $ConfigDir (enrollment and key); remove it with -Purge"
}
