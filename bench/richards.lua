-- Richards: Martin Richards' operating-system task scheduler simulation
-- (object fields, method dispatch through metatables, linked lists).
-- Usage: richards.lua RUNS [ITERATIONS]

local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4

-- 16-bit exclusive or without the bit library (only the idle task needs it).
local function xor16(a, b)
  local result, place = 0, 1
  for _ = 1, 16 do
    local abit, bbit = a % 2, b % 2
    if abit ~= bbit then result = result + place end
    a = (a - abit) / 2
    b = (b - bbit) / 2
    place = place * 2
  end
  return result
end

local Packet = {}
Packet.__index = Packet

function Packet.new(link, id, kind)
  local data = {}
  for i = 1, DATA_SIZE do data[i] = 0 end
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = data }, Packet)
end

-- Appends this packet to the end of a queue and returns the queue's head.
function Packet:append_to(queue)
  self.link = nil
  if queue == nil then return self end
  local last = queue
  local nxt = last.link
  while nxt ~= nil do
    last = nxt
    nxt = last.link
  end
  last.link = self
  return queue
end

-- Task control block. State is three flags: a packet is waiting, the task is
-- suspended, the task is held.
local Tcb = {}
Tcb.__index = Tcb

function Tcb.new(link, id, priority, queue, task)
  return setmetatable({
    link = link, id = id, priority = priority, queue = queue, task = task,
    packet_pending = queue ~= nil, suspended = true, held = false,
  }, Tcb)
end

function Tcb:is_held_or_suspended()
  return self.held or (self.suspended and not self.packet_pending)
end

function Tcb:run()
  local packet
  if self.suspended and self.packet_pending then
    packet = self.queue
    self.queue = packet.link
    self.suspended = false
    self.packet_pending = self.queue ~= nil
  end
  return self.task:run(packet)
end

function Tcb:check_priority_add(current, packet)
  if self.queue == nil then
    self.queue = packet
    self.packet_pending = true
    if self.priority > current.priority then return self end
  else
    self.queue = packet:append_to(self.queue)
  end
  return current
end

local Scheduler = {}
Scheduler.__index = Scheduler

function Scheduler.new()
  return setmetatable({ queue_count = 0, hold_count = 0, blocks = {}, list = nil,
                        current = nil, current_id = nil }, Scheduler)
end

function Scheduler:add_task(id, priority, queue, task)
  local tcb = Tcb.new(self.list, id, priority, queue, task)
  self.current = tcb
  self.list = tcb
  self.blocks[id] = tcb
end

function Scheduler:add_running_task(id, priority, queue, task)
  self:add_task(id, priority, queue, task)
  local tcb = self.current
  tcb.suspended = false
  tcb.packet_pending = false
  tcb.held = false
end

function Scheduler:schedule()
  local tcb = self.current
  while tcb ~= nil do
    if tcb:is_held_or_suspended() then
      tcb = tcb.link
    else
      self.current_id = tcb.id
      self.current = tcb
      tcb = tcb:run()
    end
    self.current = tcb
  end
end

function Scheduler:release(id)
  local tcb = self.blocks[id]
  if tcb == nil then return tcb end
  tcb.held = false
  if tcb.priority > self.current.priority then return tcb end
  return self.current
end

function Scheduler:hold_current()
  self.hold_count = self.hold_count + 1
  local tcb = self.current
  tcb.held = true
  return tcb.link
end

function Scheduler:suspend_current()
  self.current.suspended = true
  return self.current
end

function Scheduler:queue(packet)
  local tcb = self.blocks[packet.id]
  if tcb == nil then return tcb end
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current_id
  return tcb:check_priority_add(self.current, packet)
end

local IdleTask = {}
IdleTask.__index = IdleTask
function IdleTask.new(scheduler, v1, count)
  return setmetatable({ scheduler = scheduler, v1 = v1, count = count }, IdleTask)
end
function IdleTask:run(_)
  local s = self.scheduler
  self.count = self.count - 1
  if self.count == 0 then return s:hold_current() end
  local v1 = self.v1
  if v1 % 2 == 0 then
    self.v1 = v1 / 2
    return s:release(ID_DEVICE_A)
  end
  self.v1 = xor16((v1 - 1) / 2, 0xD008)
  return s:release(ID_DEVICE_B)
end

local DeviceTask = {}
DeviceTask.__index = DeviceTask
function DeviceTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, pending = nil }, DeviceTask)
end
function DeviceTask:run(packet)
  local s = self.scheduler
  if packet == nil then
    local pending = self.pending
    if pending == nil then return s:suspend_current() end
    self.pending = nil
    return s:queue(pending)
  end
  self.pending = packet
  return s:hold_current()
end

local WorkerTask = {}
WorkerTask.__index = WorkerTask
function WorkerTask.new(scheduler, destination, counter)
  return setmetatable({ scheduler = scheduler, destination = destination, counter = counter }, WorkerTask)
end
function WorkerTask:run(packet)
  local s = self.scheduler
  if packet == nil then return s:suspend_current() end
  if self.destination == ID_HANDLER_A then
    self.destination = ID_HANDLER_B
  else
    self.destination = ID_HANDLER_A
  end
  packet.id = self.destination
  packet.a1 = 0
  local counter = self.counter
  local data = packet.a2
  for i = 1, DATA_SIZE do
    counter = counter + 1
    if counter > 26 then counter = 1 end
    data[i] = counter
  end
  self.counter = counter
  return s:queue(packet)
end

local HandlerTask = {}
HandlerTask.__index = HandlerTask
function HandlerTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, work = nil, devices = nil }, HandlerTask)
end
function HandlerTask:run(packet)
  local s = self.scheduler
  if packet ~= nil then
    if packet.kind == KIND_WORK then
      self.work = packet:append_to(self.work)
    else
      self.devices = packet:append_to(self.devices)
    end
  end
  local work = self.work
  if work ~= nil then
    local count = work.a1
    if count < DATA_SIZE then
      local device = self.devices
      if device ~= nil then
        self.devices = device.link
        device.a1 = work.a2[count + 1]
        work.a1 = count + 1
        return s:queue(device)
      end
    else
      self.work = work.link
      return s:queue(work)
    end
  end
  return s:suspend_current()
end

local function richards(count)
  local s = Scheduler.new()
  s:add_running_task(ID_IDLE, 0, nil, IdleTask.new(s, 1, count))
  local queue = Packet.new(nil, ID_WORKER, KIND_WORK)
  queue = Packet.new(queue, ID_WORKER, KIND_WORK)
  s:add_task(ID_WORKER, 1000, queue, WorkerTask.new(s, ID_HANDLER_A, 0))
  queue = Packet.new(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  s:add_task(ID_HANDLER_A, 2000, queue, HandlerTask.new(s))
  queue = Packet.new(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  s:add_task(ID_HANDLER_B, 3000, queue, HandlerTask.new(s))
  s:add_task(ID_DEVICE_A, 4000, nil, DeviceTask.new(s))
  s:add_task(ID_DEVICE_B, 5000, nil, DeviceTask.new(s))
  s:schedule()
  return s.queue_count, s.hold_count
end

-- Each run simulates 1000 idle-task activations, like the classic benchmark.
local function run(runs)
  local queued, held = 0, 0
  for _ = 1, runs do
    local q, h = richards(1000)
    if q ~= 2322 or h ~= 928 then error("richards: wrong result " .. q .. " " .. h) end
    queued, held = queued + q, held + h
  end
  return string.format("%d %d", queued, held)
end

local size = tonumber(arg and arg[1]) or 400

local iterations = tonumber(arg and arg[2])
if iterations then
  for i = 1, iterations do
    local t0 = os.clock()
    local sum = run(size)
    print(string.format("iteration %d %.6f checksum %s", i, os.clock() - t0, sum))
  end
else
  print("checksum " .. run(size))
end
