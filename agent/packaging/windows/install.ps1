#Requires -RunAsAdministrator
<#
.SYNOPSIS
Installs the ml-connector agent as a Windows service. Run from the unpacked zip in an elevated
PowerShell:  .\install.ps1 [-Relay URL -Token T [-Ca FILE]] [-NoStart]

Program files go to $env:ProgramFiles\ml-connector\agent, the agent home (agent.json, agent.key)
to $env:ProgramData\ml-connector\agent, readable by SYSTEM and Administrators only. The service
runs node.exe under WinSW (mlc-agent-service.exe) as LocalSystem, with restart on failure.
#>
[CmdletBinding()]
param(
  [string]$Relay,
  [string]$Token,
  [string]$Ca,
  [switch]$NoStart
)
$ErrorActionPreference = 'Stop'

$ServiceName = 'mlc-agent'
$Source = $PSScriptRoot
$Prefix = Join-Path $env:ProgramFiles 'ml-connector\agent'
$ConfigDir = Join-Path $env:ProgramData 'ml-connector\agent'

if ([bool]$Relay -ne [bool]$Token) { throw '-Relay and -Token go together' }
if ((Resolve-Path $Source).Path.TrimEnd('\') -eq $Prefix.TrimEnd('\')) { throw 'run install.ps1 from the unpacked package, not from the installed folder' }
foreach ($file in 'node.exe', 'mlc-agent-service.exe', 'app\dist\cli\agent.cli.js') {
  if (-not (Test-Path (Join-Path $Source $file))) { throw "run install.ps1 from the unpacked package ($file is missing)" }
}

function Invoke-Checked([string]$What, [scriptblock]$Command) {
  & $Command
  if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
}

$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($existing -and $existing.Status -ne 'Stopped') {
  Write-Host "stopping the running $ServiceName for the upgrade"
  Stop-Service -Name $ServiceName
  $existing.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
}

# Program files: replaced as a whole.
if (Test-Path $Prefix) { Remove-Item -Recurse -Force $Prefix }
New-Item -ItemType Directory -Force -Path $Prefix | Out-Null
Copy-Item -Recurse -Force -Path (Join-Path $Source '*') -Destination $Prefix
Write-Host "installed $((Get-Content (Join-Path $Source 'VERSION')).Trim()) in $Prefix"

# The agent home: no inherited access; SYSTEM (the service) and Administrators only, by SID so
# localized account names do not matter.
New-Item -ItemType Directory -Force -Path $ConfigDir | Out-Null
Invoke-Checked 'icacls' { icacls $ConfigDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null }
Write-Host "config dir $ConfigDir (SYSTEM and Administrators only)"

$xml = (Get-Content -Raw (Join-Path $Prefix 'mlc-agent-service.xml.in')).Replace('@CONFIG_DIR@', $ConfigDir)
Set-Content -Path (Join-Path $Prefix 'mlc-agent-service.xml') -Value $xml -Encoding UTF8
$wrapper = Join-Path $Prefix 'mlc-agent-service.exe'
if (-not $existing) {
  Invoke-Checked 'registering the service' { & $wrapper install }
}
# Recovery by the Service Control Manager too, for when the wrapper itself dies.
Invoke-Checked 'sc.exe failure' { sc.exe failure $ServiceName reset= 3600 actions= restart/10000/restart/60000/restart/300000 | Out-Null }
Invoke-Checked 'sc.exe failureflag' { sc.exe failureflag $ServiceName 1 | Out-Null }
Invoke-Checked 'sc.exe config' { sc.exe config $ServiceName start= delayed-auto | Out-Null }
Write-Host "service $ServiceName registered (MLC_AGENT_HOME=$ConfigDir, restart on failure)"

$node = Join-Path $Prefix 'node.exe'
$cli = Join-Path $Prefix 'app\dist\cli\agent.cli.js'
if ($Relay) {
  $enrollArgs = @('enroll', '--relay', $Relay, '--token', $Token, '--home', $ConfigDir)
  if ($Ca) {
    $caCopy = Join-Path $ConfigDir 'relay-ca.pem'
    Copy-Item -Force -Path $Ca -Destination $caCopy
    $enrollArgs += @('--ca', $caCopy)
  }
  Write-Host "enrolling with $Relay"
  Invoke-Checked 'enroll' { & $node $cli @enrollArgs }
  Write-Host 'checking the connection (mlc-agent doctor)'
  & $node $cli doctor --home $ConfigDir
  switch ($LASTEXITCODE) {
    0 { Write-Host 'doctor: OK' }
    1 { Write-Host 'doctor: WARNING - the agent will run; see the advice above' }
    default { Write-Host "doctor: CRITICAL (exit $LASTEXITCODE) - fix the steps above, then: Restart-Service $ServiceName" }
  }
}

if ($NoStart) {
  Write-Host "not started (-NoStart)"
} elseif (Test-Path (Join-Path $ConfigDir 'agent.json')) {
  Start-Service -Name $ServiceName
  Write-Host "started $ServiceName"
} else {
  Write-Host "not started: enroll first with"
  Write-Host "  & '$Prefix\mlc-agent.cmd' enroll --relay URL --token T; Start-Service $ServiceName"
}
