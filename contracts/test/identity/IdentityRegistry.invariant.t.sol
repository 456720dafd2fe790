// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {Vm} from "../utils/Vm.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";

/// @notice Drives registration, claims, revocation, lost wallets, time and chain id at
/// random, and keeps a model of what must hold for each wallet.
contract IdentityHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant KYC = 1;
    uint256 internal constant N = 4;

    IdentityRegistry public registry;
    KeelClaimIssuer public issuer;
    uint256 public immutable signerPk;
    uint256 public immutable homeChain;

    address[N] public wallets;
    KeelIdentity[N] public ids;
    bool[N] public registered;
    bool[N] public lost;
    bool[N] public hasClaim;
    bool[N] public revoked;
    uint64[N] public expiry;

    constructor(IdentityRegistry registry_, uint256 signerPk_) {
        registry = registry_;
        signerPk = signerPk_;
        homeChain = block.chainid;
    }

    /// @dev Called once by the test after the handler got its roles (a no-op afterwards).
    function init(IdentityFactory factory) external {
        if (address(issuer) != address(0)) return;
        address[] memory keys = new address[](1);
        keys[0] = vm.addr(signerPk);
        issuer = KeelClaimIssuer(payable(factory.createClaimIssuer(address(this), keys)));
        address[] memory claimKeys = new address[](1);
        claimKeys[0] = address(this);
        for (uint256 i = 0; i < N; ++i) {
            wallets[i] = address(uint160(0x1000 + i));
            ids[i] = KeelIdentity(payable(factory.createIdentity(wallets[i], claimKeys)));
        }
    }

    function register(uint256 i) external {
        i %= N;
        if (registered[i] || lost[i]) return; // a lost wallet is never registered again
        registry.registerIdentity(wallets[i], IIdentity(address(ids[i])), 840);
        registered[i] = true;
    }

    function remove(uint256 i) external {
        i %= N;
        if (!registered[i]) return;
        registry.deleteIdentity(wallets[i]);
        registered[i] = false;
    }

    function markLost(uint256 i) external {
        i %= N;
        if (!registered[i] || lost[i]) return;
        registry.markWalletLost(wallets[i]);
        lost[i] = true;
    }

    function issue(uint256 i, uint32 ttl) external {
        i %= N;
        if (block.chainid != homeChain) return;
        uint64 exp = ttl % 3 == 0 ? 0 : uint64(block.timestamp + 1 + (ttl % 1000));
        bytes memory data = abi.encode(i, block.timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerPk, issuer.claimDigest(address(ids[i]), KYC, exp, data));
        ids[i].addClaimWithExpiry(KYC, 1, address(issuer), abi.encodePacked(r, s, v), data, "", exp);
        hasClaim[i] = true;
        revoked[i] = false;
        expiry[i] = exp;
    }

    function revoke(uint256 i) external {
        i %= N;
        if (!hasClaim[i] || revoked[i]) return;
        issuer.revokeClaim(keccak256(abi.encode(address(issuer), KYC)), address(ids[i]));
        revoked[i] = true;
    }

    function warp(uint16 secs) external {
        vm.warp(block.timestamp + secs);
    }

    function flipChain(bool home) external {
        vm.chainId(home ? homeChain : homeChain + 1);
    }

    /// @dev What the model says `isVerified` must be.
    function expected(uint256 i) external view returns (bool) {
        return registered[i] && !lost[i] && hasClaim[i] && !revoked[i]
            && (expiry[i] == 0 || block.timestamp < expiry[i]) && block.chainid == homeChain;
    }
}

contract IdentityRegistryInvariantTest is IdentityFixture {
    IdentityHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new IdentityHandler(registry, SIGNER_PK + 1);
        access.grantRole(keccak256("keel.role.identity-manager"), address(handler));
        access.grantRole(keccak256("keel.role.claim-issuer"), address(handler));
        handler.init(factory);
        _require(KYC);
        _trust(systemIssuers, address(handler.issuer()), KYC);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// @dev isVerified is exactly: stored, not lost, a valid (signed for this chain, not
    /// revoked, not expired) claim from the trusted issuer.
    function invariant_isVerifiedMatchesModel() public view {
        for (uint256 i = 0; i < 4; ++i) {
            assertEq(registry.isVerified(handler.wallets(i)), handler.expected(i), "isVerified diverged from model");
        }
    }

    function invariant_lostWalletsNeverVerify() public view {
        for (uint256 i = 0; i < 4; ++i) {
            address w = handler.wallets(i);
            if (registry.isWalletLost(w)) assertFalse(registry.isVerified(w), "lost wallet verified");
        }
    }

    function test_handlerReachesVerifiedState() public {
        handler.register(0);
        handler.issue(0, 3);
        assertTrue(registry.isVerified(handler.wallets(0)));
        handler.flipChain(false);
        assertFalse(registry.isVerified(handler.wallets(0)));
    }
}
