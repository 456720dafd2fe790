// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {Vm} from "../../utils/Vm.sol";
import {KeelVault} from "../../../src/addons/vault/KeelVault.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Random payouts signed by random subsets of signers and outsiders, with stale
/// nonces and replays mixed in.
contract VaultHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    KeelVault internal vault;
    IERC20 internal usdc;
    uint256[] internal keys; // 0..2 signers, 3 an outsider
    bool public underSignedSuccess;
    uint256 public successes;
    uint256 public paidOut;
    KeelVault.Signature[] internal lastSigs;
    bytes internal lastData;
    uint256 internal lastDeadline;

    constructor(KeelVault v, IERC20 u, uint256[] memory k) {
        vault = v;
        usdc = u;
        keys = k;
    }

    function pay(uint8 subset, uint256 amount, bool staleNonce) external {
        amount = amount % 1_000e6;
        bytes memory data = abi.encodeCall(IERC20.transfer, (address(0xBEEF), amount));
        uint256 nonce = vault.nonce();
        if (staleNonce && nonce > 0) nonce -= 1;
        uint256 deadline = block.timestamp + 1;
        bytes32 digest = vault.executeDigest(address(usdc), 0, data, nonce, deadline);
        delete lastSigs;
        uint256 validSigners;
        // subset bits select keys; collect, then sort by signer address
        KeelVault.Signature[] memory sigs = new KeelVault.Signature[](4);
        uint256 n;
        for (uint256 i; i < 4; ++i) {
            if (subset & (1 << i) == 0) continue;
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            sigs[n++] = KeelVault.Signature(vm.addr(keys[i]), abi.encodePacked(r, s, v));
            if (i < 3) ++validSigners;
        }
        for (uint256 i; i < n; ++i) {
            for (uint256 j = i + 1; j < n; ++j) {
                if (sigs[j].signer < sigs[i].signer) (sigs[i], sigs[j]) = (sigs[j], sigs[i]);
            }
        }
        for (uint256 i; i < n; ++i) lastSigs.push(sigs[i]);
        lastData = data;
        lastDeadline = deadline;
        bool stale = nonce != vault.nonce();
        try vault.execute(address(usdc), 0, data, deadline, lastSigs) {
            ++successes;
            paidOut += amount;
            if (validSigners < vault.threshold() || stale) underSignedSuccess = true;
        } catch {}
    }

    /// Replays the last signature set: must never succeed twice.
    function replay() external {
        if (lastSigs.length == 0) return;
        try vault.execute(address(usdc), 0, lastData, lastDeadline, lastSigs) {
            underSignedSuccess = true;
        } catch {}
    }
}

contract KeelVaultInvariantTest is AddonFixture {
    KeelVault internal vault;
    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        uint256[] memory keys = new uint256[](4);
        keys[0] = 0xA11;
        keys[1] = 0xB22;
        keys[2] = 0xC33;
        keys[3] = 0xD44; // outsider
        address[] memory signers = new address[](3);
        for (uint256 i; i < 3; ++i) signers[i] = vm.addr(keys[i]);
        vault = new KeelVault(signers, 2, address(0));
        usdc.mint(address(vault), 1_000_000_000e6);
        handler = new VaultHandler(vault, usdc, keys);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_onlyThresholdSignedCallsRunOnce() public view {
        assertFalse(handler.underSignedSuccess());
        assertEq(vault.nonce(), handler.successes());
        assertEq(usdc.balanceOf(address(0xBEEF)), handler.paidOut());
    }
}
